/**
 * A card's status, derived from `validUntil`, today and the operator's policy, so it is
 * right without any job. Also where a renewal starts from (the renewal base).
 */
import { addDays, compareDates, dayOf, daysBetween, extend, type LocalDate, type Period, type Validity } from './calendar.js';

export type CardStatus = 'active' | 'grace' | 'suspended' | 'recycled' | 'blocked';

export interface LifecyclePolicy {
  graceDays: number;
  suspendDays: number;
}

export interface CardState {
  validUntil: LocalDate;
  anchorDay: number;
  blocked: boolean;
}

/** The status by dates alone (blocking is staff's and overrides it). */
export function dateStatus(validUntil: LocalDate, today: LocalDate, policy: LifecyclePolicy): Exclude<CardStatus, 'blocked'> {
  if (compareDates(today, validUntil) <= 0) return 'active';
  const graceEnd = addDays(validUntil, policy.graceDays);
  if (compareDates(today, graceEnd) <= 0) return 'grace';
  if (compareDates(today, addDays(graceEnd, policy.suspendDays)) <= 0) return 'suspended';
  return 'recycled';
}

export function cardStatus(card: CardState, today: LocalDate, policy: LifecyclePolicy): CardStatus {
  const byDate = dateStatus(card.validUntil, today, policy);
  // A recycled number is gone whatever staff did; otherwise a block wins.
  if (byDate !== 'recycled' && card.blocked) return 'blocked';
  return byDate;
}

export function daysLeft(validUntil: LocalDate, today: LocalDate): number {
  return daysBetween(today, validUntil);
}

export const EXPIRING_SOON_DAYS = 7;

export function expiringSoon(status: CardStatus, left: number): boolean {
  return status === 'active' && left <= EXPIRING_SOON_DAYS;
}

export type RenewalRefusal = 'card_recycled' | 'card_blocked' | 'period_too_short';

export type RenewalOutcome = { ok: true; base: Validity; result: Validity; restarted: boolean } | { ok: false; reason: RenewalRefusal };

/**
 * What renewing by `period` (paid period followed by bonus) would give today. Active and
 * grace cards renew from their old `validUntil`; suspended cards restart from today.
 */
export function renew(card: CardState, periods: Period[], today: LocalDate, policy: LifecyclePolicy): RenewalOutcome {
  const status = cardStatus(card, today, policy);
  if (status === 'recycled') return { ok: false, reason: 'card_recycled' };
  if (status === 'blocked') return { ok: false, reason: 'card_blocked' };
  const restarted = status === 'suspended';
  const base: Validity = restarted ? { validUntil: today, anchorDay: dayOf(today) } : { validUntil: card.validUntil, anchorDay: card.anchorDay };
  let result = base;
  for (const period of periods) result = extend(result, period);
  if (compareDates(result.validUntil, today) < 0) return { ok: false, reason: 'period_too_short' };
  return { ok: true, base, result, restarted };
}
