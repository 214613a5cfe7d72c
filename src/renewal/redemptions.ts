/**
 * Promotion redemptions. An order reserves one per promotion it uses when it is created;
 * the reservation counts while the order is fulfilled, or pending and not yet expired, so
 * an expired or cancelled order releases it without any job. Reserving locks the limited
 * promotions (PostgreSQL; SQLite transactions are serial), so concurrent orders can never
 * hold more than `maxRedemptions`.
 */
import type { Kysely } from 'kysely';
import type { PromotionRule } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import type { Promotion } from './pricing.js';

const isLimited = (p: PromotionRule) => p.maxRedemptions !== null || p.perCardLimit !== null;

/** The promotions with their current usage, overall and by this card. */
export interface Usage {
  used: number;
  usedByCard: number;
}

/** Redemptions held now (by fulfilled orders, and pending orders not yet expired), per promotion. */
export async function redemptionUsage(db: Kysely<Database>, promotionIds: string[], cardId: string | null, now: Date): Promise<Map<string, Usage>> {
  if (promotionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('redemptions as r')
    .innerJoin('orders as o', 'o.id', 'r.order_id')
    .select((eb) => [
      'r.promotion_id',
      eb.fn.countAll<number>().as('used'),
      eb.fn.sum<number>(eb.case().when('r.card_id', '=', cardId).then(1).else(0).end()).as('by_card'),
    ])
    .where('r.promotion_id', 'in', promotionIds)
    .where((eb) => eb.or([eb('o.status', '=', 'fulfilled'), eb.and([eb('o.status', '=', 'pending_payment'), eb('o.expires_at', '>', now.toISOString())])]))
    .groupBy('r.promotion_id')
    .execute();
  return new Map(rows.map((row) => [row.promotion_id, { used: Number(row.used), usedByCard: Number(row.by_card) }]));
}

/** The promotions with their current usage, overall and by this card; `lock` holds the limited ones. */
export async function withUsage(
  db: Kysely<Database>,
  dialect: DialectName,
  rules: PromotionRule[],
  cardId: string,
  now: Date,
  lock: boolean,
): Promise<Promotion[]> {
  const limited = rules.filter(isLimited).map((p) => p.id);
  if (lock && limited.length > 0) {
    await forUpdate(dialect, db.selectFrom('promotions').select('id').where('id', 'in', limited).orderBy('id')).execute();
  }
  const usage = await redemptionUsage(db, limited, cardId, now);
  return rules.map((p) => ({ ...p, ...(usage.get(p.id) ?? { used: 0, usedByCard: 0 }) }));
}

export async function reserveRedemptions(db: Kysely<Database>, promotionIds: string[], orderId: string, cardId: string, now: string): Promise<void> {
  if (promotionIds.length === 0) return;
  await db
    .insertInto('redemptions')
    .values(promotionIds.map((promotion_id) => ({ promotion_id, order_id: orderId, card_id: cardId, created_at: now })))
    .execute();
}
