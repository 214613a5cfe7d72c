/**
 * Cash shifts. A clerk opens a shift at a counter with a float and closes it by counting
 * the drawer; the expected cash comes from the shift's counter payments (shift-rules.ts). A
 * difference waits for a supervisor's approval, never the clerk's own.
 *
 * The shifts room is what supervisors check of the hall's work: the shifts here, the voids
 * of their renewals (void-service.ts), and the statistics and audit log (hall-stats-service.ts).
 */
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { audit } from '../audit.js';
import { assertInHall, assertSupervises, type HallActor, staffOf } from '../hall-access.js';
import { counterOf, findHall, hallLayout, hallOfCounter, hallRef } from '../hall-repository.js';
import {
  approveShift,
  type CounterPaymentRow,
  insertShift,
  lockShift,
  openShiftOf,
  paymentsOfShifts,
  type ShiftRow,
  type ShiftWithClerk,
  shiftsOfHall,
  shiftWithClerk,
  updateShift,
} from './shift-repository.js';
import { cashDifference, tallyShift } from './shift-rules.js';

const shiftNotFound = () => new DomainError('shift_not_found');

function tallyOf(shift: ShiftRow, payments: readonly CounterPaymentRow[]) {
  const tally = tallyShift(
    shift.float,
    payments.filter((p) => p.method === 'cash').map((p) => ({ tendered: p.tendered ?? 0, change: p.change_due ?? 0, voided: p.void_status === 'voided' })),
  );
  const count = (method: string, voided: boolean) => payments.filter((p) => p.method === method && (p.void_status === 'voided') === voided);
  return {
    ...tally,
    renewals: payments.length,
    cashRenewals: count('cash', false).length,
    posRenewals: count('pos', false).length,
    posTotal: count('pos', false).reduce((sum, p) => sum + p.amount, 0),
    voided: payments.filter((p) => p.void_status === 'voided').length,
    voidRequests: payments.filter((p) => p.void_status === 'requested').map((p) => p.order_id),
  };
}

export class ShiftService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async view(shift: ShiftWithClerk) {
    const [view] = await this.views([shift]);
    if (!view) throw new Error('views answered nothing for one shift');
    return view;
  }

  /** Shifts as answers, with their tallies read in one query. */
  async views(shifts: readonly ShiftWithClerk[]) {
    const payments = await paymentsOfShifts(
      this.db.kysely,
      shifts.map((s) => s.id),
    );
    return shifts.map((shift) => ({
      id: shift.id,
      hall: shift.hall_id,
      counterId: shift.counter_id,
      staffId: shift.staff_id,
      clerk: { username: shift.clerk_username, displayName: shift.clerk_display_name },
      status: shift.status,
      float: shift.float,
      openedAt: shift.opened_at,
      closedAt: shift.closed_at,
      counted: shift.counted,
      expected: shift.expected,
      difference: shift.difference,
      approvedBy: shift.approved_by,
      approvedAt: shift.approved_at,
      note: shift.note,
      tally: tallyOf(shift, payments.get(shift.id) ?? []),
    }));
  }

  private async load(id: string): Promise<ShiftWithClerk> {
    const shift = await shiftWithClerk(this.db.kysely, id);
    if (!shift) throw shiftNotFound();
    return shift;
  }

  async open(actor: HallActor, counterId: string, float: number) {
    const staff = staffOf(actor);
    const hallId = await hallOfCounter(this.db.kysely, counterId);
    const layout = await hallLayout(this.db.kysely, hallId);
    assertInHall(staff, { id: hallId, operatorId: layout.hall.operator_id });
    counterOf(layout, counterId);
    const now = this.clock.now();
    const id = newId('shf');
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await insertShift(trx, {
          id,
          hall_id: hallId,
          counter_id: counterId,
          staff_id: staff.id,
          status: 'open',
          float,
          counted: null,
          expected: null,
          difference: null,
          opened_at: now.toISOString(),
          closed_at: null,
          approved_by: null,
          approved_at: null,
          note: null,
        });
        await audit(
          trx,
          actor,
          actor.ip,
          { operatorId: layout.hall.operator_id, hallId, action: 'shift.open', subject: id, detail: { counter: counterId, float } },
          now,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('shift_already_open', { 'zh-CN': '您已有一个进行中的班次，请先结班。', en: 'You already have an open shift: close it first.' });
      throw error;
    }
    return this.view(await this.load(id));
  }

  async current(actor: HallActor) {
    const shift = await openShiftOf(this.db.kysely, staffOf(actor).id);
    return { shift: shift ? await this.view(await this.load(shift.id)) : null };
  }

  async get(actor: HallActor, id: string) {
    const shift = await this.load(id);
    const staff = staffOf(actor);
    if (shift.staff_id !== staff.id) assertSupervises(staff, await hallRef(this.db.kysely, shift.hall_id));
    return this.view(shift);
  }

  /** Closes the clerk's own shift with the counted cash; a difference waits for a supervisor. */
  async close(actor: HallActor, id: string, counted: number) {
    const staff = staffOf(actor);
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const shift = await lockShift(trx, this.db.dialect, id);
      if (!shift) throw shiftNotFound();
      if (shift.staff_id !== staff.id)
        throw new DomainError('forbidden', { 'zh-CN': '只有该班次的柜员可以结班。', en: 'Only the clerk of a shift closes it.' });
      if (shift.status !== 'open') throw new DomainError('shift_not_open', { 'zh-CN': '该班次已结班。', en: 'This shift is already closed.' });
      const { expected } = tallyOf(shift, (await paymentsOfShifts(trx, [shift.id])).get(shift.id) ?? []);
      const difference = cashDifference(expected, counted);
      const status = difference === 0 ? 'closed' : 'pending_approval';
      await updateShift(trx, id, { status, counted, expected, difference, closed_at: now.toISOString() });
      const hall = await findHall(trx, shift.hall_id);
      await audit(
        trx,
        actor,
        actor.ip,
        { operatorId: hall.operator_id, hallId: hall.id, action: 'shift.close', subject: id, detail: { counted, expected, difference } },
        now,
      );
    });
    return this.view(await this.load(id));
  }

  /** A supervisor of the hall (not the shift's own clerk) accepts the cash difference. */
  async approve(actor: HallActor, id: string, note: string | undefined) {
    const staff = staffOf(actor);
    const shift = await this.load(id);
    const hall = await hallRef(this.db.kysely, shift.hall_id);
    assertSupervises(staff, hall);
    if (shift.staff_id === staff.id)
      throw new DomainError('forbidden', {
        'zh-CN': '您自己班次的差额须由另一位值班主管审批。',
        en: 'A difference on your own shift is approved by another supervisor.',
      });
    const now = this.clock.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      const approved = await approveShift(trx, id, staff.id, now.toISOString(), note ?? null);
      if (!approved)
        throw new DomainError('shift_not_pending', { 'zh-CN': '该班次没有待审批的差额。', en: 'This shift has no difference waiting for approval.' });
      await audit(
        trx,
        actor,
        actor.ip,
        { operatorId: hall.operatorId, hallId: hall.id, action: 'shift.approve', subject: id, detail: { difference: shift.difference, note } },
        now,
      );
    });
    return this.view(await this.load(id));
  }

  /** The hall's shifts (supervisor): those waiting for approval first. */
  async list(actor: HallActor, hallId: string, status: ShiftRow['status'] | undefined) {
    assertSupervises(staffOf(actor), await hallRef(this.db.kysely, hallId));
    return { shifts: await this.views(await shiftsOfHall(this.db.kysely, hallId, status)) };
  }
}
