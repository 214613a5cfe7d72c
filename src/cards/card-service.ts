/**
 * The operator's view of cards: register one, look it up with its orders, block and
 * unblock it, swap its SIM. A number whose card was recycled may be registered again: the
 * old card is retired (kept, with its history) and a new card takes the number.
 */
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/catalog.js';
import { operatorPolicies } from '../catalog/catalog-repository.js';
import { type AdminPrincipal, assertMayActFor, type CatalogService } from '../catalog/catalog-service.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { ordersOfCard } from '../renewal/order-repository.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidPhoneNumber, type Text } from '../shared/errors.js';
import { iccidProblem } from '../shared/iccid.js';
import { newId } from '../shared/ids.js';
import { parseMsisdn } from '../shared/msisdn.js';
import { dayOf, isValidDate, todayIn } from './calendar.js';
import {
  type CardEventRow,
  type CardRow,
  cardState,
  findLiveCard,
  findLiveCardByIccid,
  insertCardEvents,
  insertCards,
  liveCardsHolding,
  recordCardEvent,
  retireCards,
  updateCard,
} from './card-repository.js';
import { cardStatus, daysLeft } from './lifecycle.js';

export interface NewCard {
  msisdn: string;
  iccid: string;
  validUntil: string;
}

/** Why a card row cannot be registered, as field → message; empty when it can. */
export function newCardProblems(card: NewCard): Record<string, Text> {
  const problems: Record<string, Text> = {};
  if (!parseMsisdn(card.msisdn)) {
    problems.msisdn = {
      'zh-CN': '不是以 + 开头的有效 E.164 号码（例如 +8613800138000）',
      en: 'not a valid E.164 number with a leading + (e.g. +8613800138000)',
    };
  }
  const iccid = iccidProblem(card.iccid);
  if (iccid) problems.iccid = iccid;
  if (!isValidDate(card.validUntil)) problems.validUntil = { 'zh-CN': '不是 YYYY-MM-DD 格式的日期', en: 'not a date YYYY-MM-DD' };
  return problems;
}

/** A live card holds the number or the SIM serial already. */
const cardExists = (field: 'msisdn' | 'iccid') =>
  new DomainError(
    'card_exists',
    field === 'msisdn'
      ? { 'zh-CN': '已有一张在用的卡使用这个号码。', en: 'A card in use already has this number.' }
      : { 'zh-CN': '已有一张在用的卡使用这个SIM卡序列号。', en: 'A card in use already has this SIM serial.' },
    { field },
  );

export type RegisterOutcome = 'created' | 'unchanged';

/** What became of one card of `registerCards`. */
export type Registration = { outcome: RegisterOutcome; row: CardRow } | { outcome: 'conflict'; field: 'msisdn' | 'iccid'; message: string };

type Policy = Pick<Operator, 'timeZone' | 'graceDays' | 'suspendDays'>;

/**
 * Registers cards inside the caller's transaction, in order, with the same few statements
 * however many there are: one read of the live cards holding their numbers or SIM serials
 * (and one of those cards' operators, when another operator's), then one write each for
 * the cards retired, the cards created and their events.
 *
 * An identical live card is left alone. A live card holding the number or the SIM is a
 * conflict, unless it was recycled (by its own operator's zone and policy: a number may
 * move between operators); then it is retired and the new card takes its place. A card
 * registered earlier in the same call counts as live for the later ones.
 */
export async function registerCards(trx: Kysely<Database>, operator: Operator, cards: readonly NewCard[], now: Date): Promise<Registration[]> {
  if (cards.length === 0) return [];
  const nowIso = now.toISOString();
  const wanted = cards.map((card) => ({ ...card, msisdn: parseMsisdn(card.msisdn) ?? card.msisdn }));
  const holders = await liveCardsHolding(
    trx,
    wanted.map((c) => c.msisdn),
    wanted.map((c) => c.iccid),
  );
  const policies = await policiesOf(trx, operator, holders);
  const today = new Map<string, string>();
  const recycled = (holder: CardRow) => {
    const policy = policies.get(holder.operator_id) ?? operator;
    let day = today.get(policy.timeZone);
    if (!day) {
      day = todayIn(policy.timeZone, now);
      today.set(policy.timeZone, day);
    }
    return cardStatus(cardState(holder), day, policy) === 'recycled';
  };
  const byMsisdn = new Map(holders.map((h) => [h.msisdn, h]));
  const byIccid = new Map(holders.map((h) => [h.iccid, h]));
  const retired: CardRow[] = [];
  const created: CardRow[] = [];
  const events: CardEventRow[] = [];
  const event = (cardId: string, kind: string, detail: unknown) => ({
    id: newId('ce'),
    card_id: cardId,
    kind,
    detail: detail === null ? null : JSON.stringify(detail),
    actor: null,
    at: nowIso,
  });
  const results = wanted.map((card): Registration => {
    const found = [byMsisdn.get(card.msisdn), byIccid.get(card.iccid)];
    const live = found.filter((h, i): h is CardRow => h !== undefined && found.indexOf(h) === i);
    const same = live.find((h) => h.msisdn === card.msisdn && h.iccid === card.iccid && h.valid_until === card.validUntil && h.operator_id === operator.id);
    if (same) return { outcome: 'unchanged', row: same };
    const inUse = live.find((h) => !recycled(h));
    if (inUse) {
      const field = inUse.msisdn === card.msisdn ? 'msisdn' : 'iccid';
      return { outcome: 'conflict', field, message: `A card in use already has this ${field === 'msisdn' ? 'number' : 'SIM serial'}.` };
    }
    for (const holder of live) {
      // A card created earlier in this call is inserted already retired.
      if (created.includes(holder)) holder.retired_at = nowIso;
      else retired.push(holder);
      events.push(event(holder.id, 'retired', null));
      byMsisdn.delete(holder.msisdn);
      byIccid.delete(holder.iccid);
    }
    const row: CardRow = {
      id: newId('card'),
      operator_id: operator.id,
      msisdn: card.msisdn,
      iccid: card.iccid,
      valid_until: card.validUntil,
      anchor_day: dayOf(card.validUntil),
      blocked: 0,
      block_reason: null,
      retired_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    };
    created.push(row);
    events.push(event(row.id, 'created', { validUntil: row.valid_until }));
    byMsisdn.set(row.msisdn, row);
    byIccid.set(row.iccid, row);
    return { outcome: 'created', row };
  });
  if (retired.length > 0) {
    await retireCards(
      trx,
      retired.map((r) => r.id),
      nowIso,
    );
  }
  if (created.length > 0) await insertCards(trx, created);
  if (events.length > 0) await insertCardEvents(trx, events);
  return results;
}

/** Registers one card (see `registerCards`); a conflict is `card_exists`. */
export async function registerCard(trx: Kysely<Database>, operator: Operator, card: NewCard, now: Date): Promise<{ outcome: RegisterOutcome; row: CardRow }> {
  const [result] = await registerCards(trx, operator, [card], now);
  if (!result) throw new Error('registerCards answered nothing for one card');
  if (result.outcome === 'conflict') throw cardExists(result.field);
  return result;
}

/** The lifecycle policies of the operators, other than `operator`, whose cards are `holders`. */
async function policiesOf(trx: Kysely<Database>, operator: Operator, holders: readonly CardRow[]): Promise<Map<string, Policy>> {
  const others = [...new Set(holders.map((h) => h.operator_id))].filter((id) => id !== operator.id);
  const policies = new Map<string, Policy>([[operator.id, operator]]);
  if (others.length === 0) return policies;
  const rows = await operatorPolicies(trx, others);
  for (const row of rows) policies.set(row.id, { timeZone: row.time_zone, graceDays: row.grace_days, suspendDays: row.suspend_days });
  return policies;
}

export class CardService {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly catalogService: CatalogService,
    private readonly clock: Clock,
  ) {}

  async create(principal: AdminPrincipal, operatorCode: string, card: NewCard) {
    const operator = await this.catalogService.operatorFor(principal, operatorCode);
    const problems = newCardProblems(card);
    if (Object.keys(problems).length > 0) {
      const entries = Object.entries(problems);
      const message = {
        'zh-CN': `${entries.map(([f, m]) => `${f}：${m['zh-CN']}`).join('；')}。`,
        en: entries.map(([f, m]) => `${f}: ${m.en}`).join('; '),
      };
      throw new DomainError('invalid_request', message, { fields: Object.keys(problems).map((f) => `/${f}`) });
    }
    const now = this.clock.now();
    const { row } = await this.db.kysely.transaction().execute(async (trx) => {
      const result = await registerCard(trx, operator, card, now);
      if (result.outcome === 'unchanged')
        throw new DomainError('card_exists', { 'zh-CN': '该卡已登记。', en: 'This card is already registered.' }, { field: 'msisdn' });
      return result;
    });
    return this.view(operator, row);
  }

  /** The live card with the number, for a principal allowed to see its operator. */
  private async find(principal: AdminPrincipal, msisdnInput: string): Promise<{ operator: Operator; row: CardRow }> {
    const msisdn = parseMsisdn(msisdnInput);
    if (!msisdn) throw invalidPhoneNumber('msisdn');
    const row = await findLiveCard(this.db.kysely, msisdn);
    const operator = row ? await this.catalog.operatorById(row.operator_id) : undefined;
    if (!row || !operator) throw new DomainError('card_not_found', { 'zh-CN': '没有在用的卡使用这个号码。', en: 'No card in use has this number.' });
    assertMayActFor(principal, operator.id);
    return { operator, row };
  }

  async get(principal: AdminPrincipal, msisdn: string) {
    const { operator, row } = await this.find(principal, msisdn);
    const orders = await ordersOfCard(this.db.kysely, row.id);
    const now = this.clock.now().toISOString();
    return {
      ...this.view(operator, row),
      orders: orders.map((o) => ({
        id: o.id,
        status: o.status === 'pending_payment' && o.expires_at <= now ? 'expired' : o.status,
        plan: o.plan_code,
        channel: o.channel,
        total: o.total,
        currency: o.currency,
        createdAt: o.created_at,
        fulfilledAt: o.fulfilled_at,
        validUntilBefore: o.valid_until_before,
        validUntilAfter: o.valid_until_after,
        receiptNumber: o.receipt_number,
      })),
    };
  }

  async block(principal: AdminPrincipal, msisdn: string, reason: string) {
    const { operator, row } = await this.find(principal, msisdn);
    const now = this.clock.now().toISOString();
    await this.db.kysely.transaction().execute(async (trx) => {
      await updateCard(trx, row.id, { blocked: 1, block_reason: reason, updated_at: now });
      await recordCardEvent(trx, row.id, 'blocked', now, { reason }, principal.tokenId);
    });
    return this.view(operator, { ...row, blocked: 1, block_reason: reason });
  }

  async unblock(principal: AdminPrincipal, msisdn: string) {
    const { operator, row } = await this.find(principal, msisdn);
    if (row.blocked !== 1) throw new DomainError('card_not_blocked');
    const now = this.clock.now().toISOString();
    await this.db.kysely.transaction().execute(async (trx) => {
      await updateCard(trx, row.id, { blocked: 0, block_reason: null, updated_at: now });
      await recordCardEvent(trx, row.id, 'unblocked', now, undefined, principal.tokenId);
    });
    return this.view(operator, { ...row, blocked: 0, block_reason: null });
  }

  async replaceSim(principal: AdminPrincipal, msisdn: string, iccid: string) {
    const { operator, row } = await this.find(principal, msisdn);
    const problem = iccidProblem(iccid);
    if (problem) throw new DomainError('invalid_request', { 'zh-CN': `iccid：${problem['zh-CN']}。`, en: `iccid: ${problem.en}` }, { fields: ['/iccid'] });
    const holder = await findLiveCardByIccid(this.db.kysely, iccid);
    if (holder && holder.id !== row.id) throw cardExists('iccid');
    const now = this.clock.now().toISOString();
    await this.db.kysely.transaction().execute(async (trx) => {
      await updateCard(trx, row.id, { iccid, updated_at: now });
      await recordCardEvent(trx, row.id, 'sim_replaced', now, { oldIccidLast4: row.iccid.slice(-4) }, principal.tokenId);
    });
    return this.view(operator, { ...row, iccid });
  }

  view(operator: Operator, row: CardRow) {
    const today = todayIn(operator.timeZone, this.clock.now());
    const status = cardStatus(cardState(row), today, operator);
    return {
      operator: operator.code,
      msisdn: row.msisdn,
      iccid: row.iccid,
      status,
      validUntil: row.valid_until,
      anchorDay: row.anchor_day,
      daysLeft: daysLeft(row.valid_until, today),
      blocked: row.blocked === 1,
      blockReason: row.block_reason,
      createdAt: row.created_at,
    };
  }
}
