/**
 * The operator's view of cards: register one, look it up with its orders, block and
 * unblock it, swap its SIM. A number whose card was recycled may be registered again: the
 * old card is retired (kept, with its history) and a new card takes the number.
 */
import type { Kysely } from 'kysely';
import type { Catalog } from '../catalog/catalog.js';
import { type AdminPrincipal, assertMayActFor, type CatalogService } from '../catalog/catalog-service.js';
import type { Operator } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { iccidProblem } from '../shared/iccid.js';
import { parseMsisdn } from '../shared/msisdn.js';
import { dayOf, isValidDate, todayIn } from './calendar.js';
import { type CardRow, cardState, findLiveCard, findLiveCardByIccid, insertCard, recordCardEvent, updateCard } from './card-repository.js';
import { cardStatus, daysLeft } from './lifecycle.js';

export interface NewCard {
  msisdn: string;
  iccid: string;
  validUntil: string;
}

/** Why a card row cannot be registered, as field → message; empty when it can. */
export function newCardProblems(card: NewCard): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!parseMsisdn(card.msisdn)) problems.msisdn = 'not a valid E.164 number with a leading + (e.g. +8613800138000)';
  const iccid = iccidProblem(card.iccid);
  if (iccid) problems.iccid = iccid;
  if (!isValidDate(card.validUntil)) problems.validUntil = 'not a date YYYY-MM-DD';
  return problems;
}

export type RegisterOutcome = 'created' | 'unchanged';

/**
 * Registers a card inside the caller's transaction. An identical live card is left alone;
 * a live card holding the number or the SIM is a conflict, unless it was recycled.
 */
export async function registerCard(trx: Kysely<Database>, operator: Operator, card: NewCard, now: Date): Promise<{ outcome: RegisterOutcome; row: CardRow }> {
  const msisdn = parseMsisdn(card.msisdn) ?? card.msisdn;
  const nowIso = now.toISOString();
  for (const holder of [await findLiveCard(trx, msisdn), await findLiveCardByIccid(trx, card.iccid)]) {
    if (!holder) continue;
    if (holder.msisdn === msisdn && holder.iccid === card.iccid && holder.valid_until === card.validUntil && holder.operator_id === operator.id) {
      return { outcome: 'unchanged', row: holder };
    }
    // Recycled by its own operator's zone and policy: a number may move between operators.
    const policy = holder.operator_id === operator.id ? operator : await holderPolicy(trx, holder.operator_id);
    const recycled = cardStatus(cardState(holder), todayIn(policy.timeZone, now), policy) === 'recycled';
    if (!recycled) {
      const field = holder.msisdn === msisdn ? 'msisdn' : 'iccid';
      throw new DomainError('card_exists', `A card in use already has this ${field === 'msisdn' ? 'number' : 'SIM serial'}.`, { field });
    }
    await updateCard(trx, holder.id, { retired_at: nowIso, updated_at: nowIso });
    await recordCardEvent(trx, holder.id, 'retired', nowIso);
  }
  const row = await insertCard(
    trx,
    { operator_id: operator.id, msisdn, iccid: card.iccid, valid_until: card.validUntil, anchor_day: dayOf(card.validUntil) },
    nowIso,
  );
  await recordCardEvent(trx, row.id, 'created', nowIso, { validUntil: card.validUntil });
  return { outcome: 'created', row };
}

async function holderPolicy(trx: Kysely<Database>, operatorId: string): Promise<Pick<Operator, 'timeZone' | 'graceDays' | 'suspendDays'>> {
  const row = await trx.selectFrom('operators').select(['time_zone', 'grace_days', 'suspend_days']).where('id', '=', operatorId).executeTakeFirstOrThrow();
  return { timeZone: row.time_zone, graceDays: row.grace_days, suspendDays: row.suspend_days };
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
      throw new DomainError(
        'invalid_request',
        Object.entries(problems)
          .map(([f, m]) => `${f}: ${m}`)
          .join('; '),
        { fields: Object.keys(problems).map((f) => `/${f}`) },
      );
    }
    const now = this.clock.now();
    const { row } = await this.db.kysely.transaction().execute(async (trx) => {
      const result = await registerCard(trx, operator, card, now);
      if (result.outcome === 'unchanged') throw new DomainError('card_exists', 'This card is already registered.', { field: 'msisdn' });
      return result;
    });
    return this.view(operator, row);
  }

  /** The live card with the number, for a principal allowed to see its operator. */
  private async find(principal: AdminPrincipal, msisdnInput: string): Promise<{ operator: Operator; row: CardRow }> {
    const msisdn = parseMsisdn(msisdnInput);
    if (!msisdn) throw new DomainError('invalid_request', 'The number must be E.164 with a leading + (e.g. +8613800138000).', { fields: ['/msisdn'] });
    const row = await findLiveCard(this.db.kysely, msisdn);
    const operator = row ? await this.catalog.operatorById(row.operator_id) : undefined;
    if (!row || !operator) throw new DomainError('card_not_found', 'No card in use has this number.');
    assertMayActFor(principal, operator.id);
    return { operator, row };
  }

  async get(principal: AdminPrincipal, msisdn: string) {
    const { operator, row } = await this.find(principal, msisdn);
    const orders = await this.db.kysely
      .selectFrom('orders')
      .select([
        'id',
        'status',
        'plan_code',
        'channel',
        'total',
        'currency',
        'created_at',
        'fulfilled_at',
        'valid_until_before',
        'valid_until_after',
        'receipt_number',
        'expires_at',
      ])
      .where('card_id', '=', row.id)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute();
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
    if (row.blocked !== 1) throw new DomainError('card_not_blocked', 'This card is not blocked.');
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
    if (problem) throw new DomainError('invalid_request', `iccid: ${problem}`, { fields: ['/iccid'] });
    const holder = await findLiveCardByIccid(this.db.kysely, iccid);
    if (holder && holder.id !== row.id) throw new DomainError('card_exists', 'A card in use already has this SIM serial.', { field: 'iccid' });
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
