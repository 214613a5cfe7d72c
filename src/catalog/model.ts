/**
 * The catalog an operator sells from: the operator itself, its plans and its promotions,
 * as rows map to domain values. Shared by the admin routes and the renewal path.
 */
import type { LifecyclePolicy } from '../cards/lifecycle.js';
import type { OperatorTable, PlanTable, PromotionTable } from '../db/schema.js';
import type { Channel, Promotion } from '../renewal/pricing.js';
import type { Language } from '../shared/errors.js';

export interface Operator extends LifecyclePolicy {
  id: string;
  code: string;
  name: string;
  displayName: string;
  brandColor: string;
  timeZone: string;
  currency: string;
  /** What the API answers its callers in when they ask for no language (http/language.ts). */
  defaultLanguage: Language;
}

export interface Plan {
  id: string;
  code: string;
  name: { 'zh-CN': string; en: string };
  months: number;
  days: number;
  price: number;
  channels: Channel[];
  active: boolean;
}

export type PromotionRule = Omit<Promotion, 'used' | 'usedByCard'> & { createdAt: string };

export const DEFAULT_BRAND_COLOR = '#0b5cad';

export function toOperator(row: OperatorTable): Operator {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    displayName: row.display_name ?? row.name,
    brandColor: row.brand_color ?? DEFAULT_BRAND_COLOR,
    timeZone: row.time_zone,
    currency: row.currency,
    graceDays: row.grace_days,
    suspendDays: row.suspend_days,
    defaultLanguage: row.default_language,
  };
}

export function toPlan(row: PlanTable): Plan {
  return {
    id: row.id,
    code: row.code,
    name: { 'zh-CN': row.name_zh, en: row.name_en },
    months: row.months ?? 0,
    days: row.days ?? 0,
    price: row.price,
    channels: splitList(row.channels) as Channel[],
    active: row.active === 1,
  };
}

export function toPromotionRule(row: PromotionTable): PromotionRule {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    value: row.value,
    unit: row.unit,
    plans: row.plans === null ? null : splitList(row.plans),
    channels: row.channels === null ? null : (splitList(row.channels) as Channel[]),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    maxRedemptions: row.max_redemptions,
    perCardLimit: row.per_card_limit,
    active: row.active === 1,
    createdAt: row.created_at,
  };
}

export function operatorView(o: Operator) {
  return {
    code: o.code,
    name: o.name,
    displayName: o.displayName,
    brandColor: o.brandColor,
    timeZone: o.timeZone,
    currency: o.currency,
    graceDays: o.graceDays,
    suspendDays: o.suspendDays,
    defaultLanguage: o.defaultLanguage,
  };
}

export function planView(p: Plan, currency: string) {
  return {
    code: p.code,
    name: p.name,
    ...(p.months > 0 ? { months: p.months } : { days: p.days }),
    price: p.price,
    currency,
    channels: p.channels,
    active: p.active,
  };
}

export function promotionView(p: PromotionRule) {
  return {
    id: p.id,
    code: p.code,
    kind: p.kind,
    value: p.value,
    unit: p.unit,
    plans: p.plans,
    channels: p.channels,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    maxRedemptions: p.maxRedemptions,
    perCardLimit: p.perCardLimit,
    active: p.active,
    createdAt: p.createdAt,
  };
}

export function splitList(value: string): string[] {
  return value === '' ? [] : value.split(',');
}
