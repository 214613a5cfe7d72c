/**
 * The operator's back office for its catalog: operators, plans and promotions. Admin
 * tokens may be scoped to one operator; every method checks that scope first.
 */
import { isValidDate, isValidTimeZone } from '../cards/calendar.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/dialect.js';
import type { OperatorTable, PlanTable, PromotionTable } from '../db/schema.js';
import { redemptionUsage } from '../renewal/order-repository.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, type Language, operatorNotFound, type Text } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Catalog } from './catalog.js';
import {
  findPlan,
  findPromotion,
  insertOperator,
  insertPlan,
  insertPromotion,
  operatorPromotions,
  plansByCode,
  updateOperator,
  updatePlan,
  updatePromotion,
} from './catalog-repository.js';
import { type Operator, toOperator, toPlan, toPromotionRule } from './model.js';

export interface AdminPrincipal {
  tokenId: string;
  /** Set when the token is limited to one operator. */
  operatorId: string | null;
}

export interface OperatorInput {
  code: string;
  name: string;
  displayName?: string | undefined;
  brandColor?: string | undefined;
  timeZone?: string | undefined;
  currency?: string | undefined;
  graceDays?: number | undefined;
  suspendDays?: number | undefined;
  defaultLanguage?: Language | undefined;
}

export type LocalizedName = string | { 'zh-CN'?: string | undefined; en?: string | undefined };

export interface PlanInput {
  code: string;
  name: LocalizedName;
  months?: number | undefined;
  days?: number | undefined;
  price: number;
  channels?: ('online' | 'counter')[] | undefined;
  active?: boolean | undefined;
}

export interface PromotionInput {
  code?: string | null | undefined;
  kind: 'percent' | 'amount' | 'bonus';
  value: number;
  unit?: 'months' | 'days' | null | undefined;
  plans?: string[] | null | undefined;
  channels?: ('online' | 'counter')[] | null | undefined;
  startsOn?: string | null | undefined;
  endsOn?: string | null | undefined;
  maxRedemptions?: number | null | undefined;
  perCardLimit?: number | null | undefined;
  active?: boolean | undefined;
}

/** Throws `forbidden` unless the principal may act for the operator (an unscoped token may act for any). */
export function assertMayActFor(principal: AdminPrincipal, operatorId: string): void {
  if (principal.operatorId !== null && principal.operatorId !== operatorId) {
    throw new DomainError('forbidden', { 'zh-CN': '该管理员令牌不能代表这个运营商操作。', en: 'This token may not act for that operator.' });
  }
}

const invalid = (field: string, message: Text) => new DomainError('invalid_request', message, { fields: [field] });

export class CatalogService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly clock: Clock,
  ) {}

  /** The operator, if the principal may act for it. */
  async operatorFor(principal: AdminPrincipal, code: string): Promise<Operator> {
    const operator = await this.catalog.operatorByCode(code);
    if (!operator) throw operatorNotFound(code);
    assertMayActFor(principal, operator.id);
    return operator;
  }

  async createOperator(principal: AdminPrincipal, input: OperatorInput): Promise<Operator> {
    if (principal.operatorId !== null)
      throw new DomainError('forbidden', { 'zh-CN': '只有不限运营商的管理员令牌才能创建运营商。', en: 'Only an unscoped admin token may create operators.' });
    const now = this.clock.now().toISOString();
    const row: OperatorTable = {
      id: newId('op'),
      code: input.code,
      name: input.name,
      display_name: input.displayName ?? null,
      brand_color: input.brandColor ?? null,
      time_zone: input.timeZone ?? 'Asia/Shanghai',
      currency: input.currency ?? 'CNY',
      grace_days: input.graceDays ?? 30,
      suspend_days: input.suspendDays ?? 90,
      default_language: input.defaultLanguage ?? 'zh-CN',
      created_at: now,
      updated_at: now,
    };
    checkTimeZone(row.time_zone);
    // Not chosen, the column's own default (zh-CN) holds: the insert leaves it out, and so
    // also works on a database migrated only up to 0013 (test/hall/queue/transfer-numbering.test.ts
    // builds a hall day on one to migrate it).
    const { default_language: _, ...withoutLanguage } = row;
    try {
      await insertOperator(this.db.kysely, input.defaultLanguage === undefined ? withoutLanguage : row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('operator_exists', { 'zh-CN': `运营商代码“${input.code}”已被使用。`, en: `An operator with the code "${input.code}" exists.` });
      throw error;
    }
    this.catalog.invalidate();
    return toOperator(row);
  }

  async updateOperator(principal: AdminPrincipal, code: string, patch: Partial<Omit<OperatorInput, 'code'>>): Promise<Operator> {
    const operator = await this.operatorFor(principal, code);
    if (patch.timeZone !== undefined) checkTimeZone(patch.timeZone);
    const changes: Partial<OperatorTable> = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.brandColor !== undefined && { brand_color: patch.brandColor }),
      ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
      ...(patch.currency !== undefined && { currency: patch.currency }),
      ...(patch.graceDays !== undefined && { grace_days: patch.graceDays }),
      ...(patch.suspendDays !== undefined && { suspend_days: patch.suspendDays }),
      ...(patch.defaultLanguage !== undefined && { default_language: patch.defaultLanguage }),
      updated_at: this.clock.now().toISOString(),
    };
    const row = await updateOperator(this.db.kysely, operator.id, changes);
    this.catalog.invalidate();
    return toOperator(row);
  }

  async createPlan(principal: AdminPrincipal, operatorCode: string, input: PlanInput) {
    const operator = await this.operatorFor(principal, operatorCode);
    const period = planPeriod(input.months, input.days);
    const now = this.clock.now().toISOString();
    const name = localized(input.name);
    const row: PlanTable = {
      id: newId('pl'),
      operator_id: operator.id,
      code: input.code,
      name_zh: name['zh-CN'],
      name_en: name.en,
      months: period.months,
      days: period.days,
      price: input.price,
      channels: (input.channels ?? ['online', 'counter']).join(','),
      active: input.active === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    try {
      await insertPlan(this.db.kysely, row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('plan_exists', { 'zh-CN': `该运营商已有代码为“${input.code}”的套餐。`, en: `The operator already has a plan "${input.code}".` });
      throw error;
    }
    this.catalog.invalidate();
    return { operator, plan: toPlan(row) };
  }

  async listPlans(principal: AdminPrincipal, operatorCode: string) {
    const operator = await this.operatorFor(principal, operatorCode);
    const rows = await plansByCode(this.db.kysely, operator.id);
    return { operator, plans: rows.map(toPlan) };
  }

  async getPlan(principal: AdminPrincipal, operatorCode: string, code: string) {
    const operator = await this.operatorFor(principal, operatorCode);
    const row = await findPlan(this.db.kysely, operator.id, code);
    if (!row) throw new DomainError('plan_not_found', { 'zh-CN': `该运营商没有代码为“${code}”的套餐。`, en: `The operator has no plan "${code}".` });
    return { operator, plan: toPlan(row) };
  }

  async updatePlan(principal: AdminPrincipal, operatorCode: string, code: string, patch: Partial<Omit<PlanInput, 'code'>>) {
    const { operator, plan } = await this.getPlan(principal, operatorCode, code);
    const changes: Partial<PlanTable> = { updated_at: this.clock.now().toISOString() };
    if (patch.months !== undefined || patch.days !== undefined) {
      const period = planPeriod(patch.months, patch.days);
      Object.assign(changes, { months: period.months, days: period.days });
    }
    if (patch.name !== undefined) {
      // A patch naming one language keeps the other; a string names both.
      const name = localized(typeof patch.name === 'string' ? patch.name : { ...plan.name, ...patch.name });
      Object.assign(changes, { name_zh: name['zh-CN'], name_en: name.en });
    }
    if (patch.price !== undefined) changes.price = patch.price;
    if (patch.channels !== undefined) changes.channels = patch.channels.join(',');
    if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
    const row = await updatePlan(this.db.kysely, plan.id, changes);
    this.catalog.invalidate();
    return { operator, plan: toPlan(row) };
  }

  async createPromotion(principal: AdminPrincipal, operatorCode: string, input: PromotionInput) {
    const operator = await this.operatorFor(principal, operatorCode);
    const now = this.clock.now().toISOString();
    const row: PromotionTable = { id: newId('pr'), operator_id: operator.id, created_at: now, updated_at: now, ...promotionColumns(input) };
    try {
      await insertPromotion(this.db.kysely, row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('promotion_exists', { 'zh-CN': `该运营商已有优惠码“${row.code}”。`, en: `The operator already has a coupon "${row.code}".` });
      throw error;
    }
    this.catalog.invalidate();
    return { operator, promotion: toPromotionRule(row), redemptions: 0 };
  }

  async listPromotions(principal: AdminPrincipal, operatorCode: string) {
    const operator = await this.operatorFor(principal, operatorCode);
    const rows = await operatorPromotions(this.db.kysely, operator.id);
    const counts = await this.redemptionCounts(rows.map((r) => r.id));
    return { operator, promotions: rows.map((r) => ({ promotion: toPromotionRule(r), redemptions: counts.get(r.id) ?? 0 })) };
  }

  async getPromotion(principal: AdminPrincipal, operatorCode: string, id: string) {
    const operator = await this.operatorFor(principal, operatorCode);
    const row = await findPromotion(this.db.kysely, operator.id, id);
    if (!row) throw new DomainError('promotion_not_found', { 'zh-CN': `该运营商没有 ID 为“${id}”的优惠活动。`, en: `The operator has no promotion "${id}".` });
    const counts = await this.redemptionCounts([row.id]);
    return { operator, promotion: toPromotionRule(row), redemptions: counts.get(row.id) ?? 0 };
  }

  async updatePromotion(principal: AdminPrincipal, operatorCode: string, id: string, patch: Partial<PromotionInput>) {
    const current = await this.getPromotion(principal, operatorCode, id);
    const merged = { ...current.promotion, ...stripUndefined(patch) } as PromotionInput;
    const { code: _code, ...columns } = promotionColumns({ ...merged, code: current.promotion.code });
    const row = await updatePromotion(this.db.kysely, id, { ...columns, updated_at: this.clock.now().toISOString() });
    this.catalog.invalidate();
    return { operator: current.operator, promotion: toPromotionRule(row), redemptions: current.redemptions };
  }

  /** Orders holding a redemption of each promotion now. */
  private async redemptionCounts(promotionIds: string[]): Promise<Map<string, number>> {
    const usage = await redemptionUsage(this.db.kysely, promotionIds, null, this.clock.now());
    return new Map([...usage].map(([id, { used }]) => [id, used]));
  }
}

function checkTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone))
    throw invalid('/timeZone', {
      'zh-CN': `“${timeZone}”不是 IANA 时区名称（例如 Asia/Shanghai）。`,
      en: `"${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai).`,
    });
}

function planPeriod(months: number | undefined, days: number | undefined): { months: number | null; days: number | null } {
  if ((months === undefined) === (days === undefined)) {
    throw new DomainError(
      'invalid_request',
      { 'zh-CN': '套餐须给出 "months" 或 "days" 其中之一，不能都给，也不能都不给。', en: 'A plan has either "months" or "days", not both and not neither.' },
      { fields: ['/months', '/days'] },
    );
  }
  return months !== undefined ? { months, days: null } : { months: null, days: days ?? null };
}

function localized(name: LocalizedName): { 'zh-CN': string; en: string } {
  if (typeof name === 'string') return { 'zh-CN': name, en: name };
  const zh = name['zh-CN'] ?? name.en;
  const en = name.en ?? name['zh-CN'];
  if (zh === undefined || en === undefined) throw invalid('/name', { 'zh-CN': '套餐名称需要 "zh-CN" 或 "en"。', en: 'A plan name needs "zh-CN" or "en".' });
  return { 'zh-CN': zh, en };
}

function promotionColumns(input: PromotionInput): Omit<PromotionTable, 'id' | 'operator_id' | 'created_at' | 'updated_at'> {
  if (input.kind === 'percent' && (input.value < 1 || input.value > 100))
    throw invalid('/value', { 'zh-CN': '百分比优惠的取值为 1 到 100（减免的百分比）。', en: 'A percent promotion takes 1 to 100 (% off).' });
  if (input.kind === 'bonus' && !input.unit)
    throw invalid('/unit', { 'zh-CN': '赠送优惠需要 "unit"："months" 或 "days"。', en: 'A bonus promotion needs a "unit": "months" or "days".' });
  for (const field of ['startsOn', 'endsOn'] as const) {
    const value = input[field];
    if (value != null && !isValidDate(value))
      throw invalid(`/${field}`, { 'zh-CN': `${field} 须为 YYYY-MM-DD 格式的日期。`, en: `${field} must be a date YYYY-MM-DD.` });
  }
  if (input.startsOn && input.endsOn && input.startsOn > input.endsOn)
    throw invalid('/endsOn', { 'zh-CN': 'endsOn 早于 startsOn。', en: 'endsOn is before startsOn.' });
  return {
    code: input.code ? input.code.trim().toUpperCase() : null,
    kind: input.kind,
    value: input.value,
    unit: input.kind === 'bonus' ? (input.unit ?? null) : null,
    plans: input.plans ? input.plans.join(',') : null,
    channels: input.channels ? input.channels.join(',') : null,
    starts_on: input.startsOn ?? null,
    ends_on: input.endsOn ?? null,
    max_redemptions: input.maxRedemptions ?? null,
    per_card_limit: input.perCardLimit ?? null,
    active: input.active === false ? 0 : 1,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
