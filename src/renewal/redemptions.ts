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
import type { Database } from '../db/schema.js';
import type { Promotion } from './pricing.js';

const isLimited = (p: PromotionRule) => p.maxRedemptions !== null || p.perCardLimit !== null;

/** The promotions with their current usage, overall and by this card. */
export async function withUsage(
  db: Kysely<Database>,
  dialect: DialectName,
  rules: PromotionRule[],
  cardId: string,
  now: Date,
  lock: boolean,
): Promise<Promotion[]> {
  const limited = rules.filter(isLimited).map((p) => p.id);
  const usage = new Map<string, { used: number; usedByCard: number }>();
  if (limited.length > 0) {
    if (lock && dialect === 'postgres') {
      await db.selectFrom('promotions').select('id').where('id', 'in', limited).orderBy('id').forUpdate().execute();
    }
    const rows = await db
      .selectFrom('redemptions as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .select((eb) => [
        'r.promotion_id',
        eb.fn.countAll<number>().as('used'),
        eb.fn.sum<number>(eb.case().when('r.card_id', '=', cardId).then(1).else(0).end()).as('by_card'),
      ])
      .where('r.promotion_id', 'in', limited)
      .where((eb) => eb.or([eb('o.status', '=', 'fulfilled'), eb.and([eb('o.status', '=', 'pending_payment'), eb('o.expires_at', '>', now.toISOString())])]))
      .groupBy('r.promotion_id')
      .execute();
    for (const row of rows) usage.set(row.promotion_id, { used: Number(row.used), usedByCard: Number(row.by_card) });
  }
  return rules.map((p) => ({ ...p, ...(usage.get(p.id) ?? { used: 0, usedByCard: 0 }) }));
}

export async function reserveRedemptions(db: Kysely<Database>, promotionIds: string[], orderId: string, cardId: string, now: string): Promise<void> {
  if (promotionIds.length === 0) return;
  await db
    .insertInto('redemptions')
    .values(promotionIds.map((promotion_id) => ({ promotion_id, order_id: orderId, card_id: cardId, created_at: now })))
    .execute();
}
