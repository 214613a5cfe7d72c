/**
 * Setting a hall up: halls, their services (each with a ticket prefix) and counters (the
 * services each serves), and the staff. For an admin token of the operator or an operator
 * admin; every change is audited.
 */
import { isValidTimeZone } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/dialect.js';
import type { StaffRole } from '../db/hall-schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, operatorNotFound, type Text } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { audit } from './audit.js';
import { assertAdministers, type HallActor, type StaffPrincipal } from './hall-access.js';
import { findHall, type HallLayouts, hallIdsOf, hallLayout, hallView, insertCounter, insertHall, insertService, serviceOf } from './hall-repository.js';
import { hoursProblem } from './opening-hours.js';
import { hashPassword } from './staff/staff-auth-service.js';
import { endSessionsOf, findStaff, insertStaff, updateStaff } from './staff/staff-repository.js';

export interface HallInput {
  name: string;
  address: string;
  openingHours?: Record<string, string[] | undefined> | undefined;
  timeZone?: string | undefined;
  maxRecalls?: number | undefined;
}

export interface ServiceInput {
  code: string;
  name: { 'zh-CN': string; en: string };
  ticketPrefix: string;
  defaultServiceSeconds?: number | undefined;
}

export interface StaffInput {
  username: string;
  displayName: string;
  role: StaffRole;
  hall?: string | undefined;
  password: string;
}

const invalid = (field: string, message: Text) => new DomainError('invalid_request', message, { fields: [field] });

export class HallAdminService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
    private readonly layouts: HallLayouts,
  ) {}

  private async operator(code: string): Promise<Operator> {
    const operator = await this.catalog.operatorByCode(code);
    if (!operator) throw operatorNotFound(code);
    return operator;
  }

  private async operatorCode(id: string): Promise<string> {
    return (await this.catalog.operatorById(id))?.code ?? '';
  }

  async createHall(actor: HallActor, operatorCode: string, input: HallInput) {
    const operator = await this.operator(operatorCode);
    assertAdministers(actor, operator.id);
    const timeZone = input.timeZone ?? operator.timeZone;
    if (!isValidTimeZone(timeZone))
      throw invalid('/timeZone', { 'zh-CN': `“${timeZone}”不是 IANA 时区名称（例如 Asia/Shanghai）。`, en: `"${timeZone}" is not an IANA time zone.` });
    const hoursWrong = hoursProblem(input.openingHours ?? {});
    if (hoursWrong) throw invalid('/openingHours', { 'zh-CN': `营业时间有误：openingHours.${hoursWrong['zh-CN']}`, en: `openingHours.${hoursWrong.en}` });
    const now = this.clock.now();
    const id = newId('hall');
    await this.db.kysely.transaction().execute(async (trx) => {
      await insertHall(trx, {
        id,
        operator_id: operator.id,
        name: input.name,
        address: input.address,
        opening_hours: JSON.stringify(input.openingHours ?? {}),
        time_zone: timeZone,
        max_recalls: input.maxRecalls ?? 2,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
      await audit(trx, actor, actor.ip, { operatorId: operator.id, hallId: id, action: 'hall.create', subject: id, detail: input }, now);
    });
    return this.hall(actor, id);
  }

  async hall(actor: HallActor, id: string) {
    const layout = await hallLayout(this.db.kysely, id);
    assertAdministers(actor, layout.hall.operator_id);
    return hallView(layout, await this.operatorCode(layout.hall.operator_id));
  }

  async halls(actor: HallActor, operatorCode: string) {
    const operator = await this.operator(operatorCode);
    assertAdministers(actor, operator.id);
    return { halls: await this.hallViews(await hallIdsOf(this.db.kysely, operator.id), operator.code) };
  }

  /** The halls' answers, one after the other. */
  private async hallViews(ids: readonly string[], operatorCode: string) {
    const halls = [];
    for (const id of ids) halls.push(hallView(await hallLayout(this.db.kysely, id), operatorCode));
    return halls;
  }

  async createService(actor: HallActor, hallId: string, input: ServiceInput) {
    const hall = await findHall(this.db.kysely, hallId);
    assertAdministers(actor, hall.operator_id);
    const now = this.clock.now();
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        const id = newId('svc');
        await insertService(trx, {
          id,
          hall_id: hall.id,
          code: input.code,
          name_zh: input.name['zh-CN'],
          name_en: input.name.en,
          ticket_prefix: input.ticketPrefix,
          default_service_seconds: input.defaultServiceSeconds ?? 300,
          created_at: now.toISOString(),
        });
        await audit(trx, actor, actor.ip, { operatorId: hall.operator_id, hallId: hall.id, action: 'service.create', subject: id, detail: input }, now);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('service_exists', {
          'zh-CN': '这个营业厅已有代码或号票前缀相同的业务。',
          en: 'This hall already has a service with this code or ticket prefix.',
        });
      throw error;
    }
    this.layouts.forget(hall.id);
    return this.hall(actor, hall.id);
  }

  async createCounter(actor: HallActor, hallId: string, input: { name: string; services: string[] }) {
    const layout = await hallLayout(this.db.kysely, hallId);
    assertAdministers(actor, layout.hall.operator_id);
    const serviceIds = [...new Set(input.services.map((ref) => serviceOf(layout, ref).id))];
    const now = this.clock.now();
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        const id = newId('ctr');
        const counter = {
          id,
          hall_id: hallId,
          name: input.name,
          status: 'closed',
          status_changed_at: now.toISOString(),
          created_at: now.toISOString(),
        } as const;
        await insertCounter(trx, counter, serviceIds);
        await audit(trx, actor, actor.ip, { operatorId: layout.hall.operator_id, hallId, action: 'counter.create', subject: id, detail: input }, now);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('counter_exists', { 'zh-CN': '这个营业厅已有同名的窗口。', en: 'This hall already has a counter with this name.' });
      throw error;
    }
    this.layouts.forget(hallId);
    return this.hall(actor, hallId);
  }

  async createStaff(actor: HallActor, operatorCode: string, input: StaffInput) {
    const operator = await this.operator(operatorCode);
    assertAdministers(actor, operator.id);
    if (input.role !== 'operator_admin' && input.hall === undefined)
      throw invalid('/hall', {
        'zh-CN': '柜员和值班主管只在一个营业厅工作，请给出该营业厅的 ID。',
        en: 'A clerk or supervisor works in one hall: give its id.',
      });
    if (input.role === 'operator_admin' && input.hall !== undefined)
      throw invalid('/hall', {
        'zh-CN': '运营商管理员管理该运营商的所有营业厅，请不要指定营业厅。',
        en: 'An operator admin runs every hall of the operator: give no hall.',
      });
    if (input.hall !== undefined) {
      const hall = await findHall(this.db.kysely, input.hall);
      if (hall.operator_id !== operator.id)
        throw new DomainError('hall_not_found', { 'zh-CN': '该运营商没有这个营业厅。', en: 'The operator has no hall with this id.' });
    }
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now();
    const id = newId('stf');
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await insertStaff(trx, {
          id,
          operator_id: operator.id,
          hall_id: input.hall ?? null,
          username: input.username,
          display_name: input.displayName,
          role: input.role,
          password_hash: passwordHash,
          active: 1,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        });
        const { password: _, ...detail } = input;
        await audit(trx, actor, actor.ip, { operatorId: operator.id, hallId: input.hall ?? null, action: 'staff.create', subject: id, detail }, now);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('staff_exists', { 'zh-CN': `用户名“${input.username}”已被使用。`, en: `The username "${input.username}" is taken.` });
      throw error;
    }
    return { id, operator: operator.code, username: input.username, displayName: input.displayName, role: input.role, hall: input.hall ?? null, active: true };
  }

  /** What a signed-in staff member's pages start from: who they are and their halls. */
  async me(staff: StaffPrincipal) {
    const operatorCode = await this.operatorCode(staff.operatorId);
    const ids = staff.hallId ? [staff.hallId] : await hallIdsOf(this.db.kysely, staff.operatorId);
    const halls = await this.hallViews(ids, operatorCode);
    return {
      staff: { id: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role, operator: operatorCode, hall: staff.hallId },
      csrfToken: staff.csrfToken,
      halls,
    };
  }

  async updateStaff(actor: HallActor, id: string, changes: { active?: boolean | undefined; password?: string | undefined }) {
    const row = await findStaff(this.db.kysely, id);
    if (!row) throw new DomainError('staff_not_found');
    assertAdministers(actor, row.operator_id);
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await updateStaff(trx, id, {
        ...(changes.active === undefined ? {} : { active: changes.active ? 1 : 0 }),
        ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
        updated_at: now.toISOString(),
      });
      // A disabled account or a new password ends the sessions open under the old state.
      await endSessionsOf(trx, id);
      const detail = { active: changes.active, passwordChanged: passwordHash !== undefined };
      await audit(trx, actor, actor.ip, { operatorId: row.operator_id, hallId: row.hall_id, action: 'staff.update', subject: id, detail }, now);
    });
    return {
      id,
      operator: await this.operatorCode(row.operator_id),
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      hall: row.hall_id,
      active: changes.active ?? row.active === 1,
    };
  }
}
