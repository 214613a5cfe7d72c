/**
 * Promotion redemptions. An order reserves one per promotion it uses when it is created;
 * the reservation counts while the order is fulfilled, or pending and not yet expired, so
 * an expired or cancelled order releases it without any job. Reserving locks the limited
 * promotions (PostgreSQL; SQLite transactions are serial), so concurrent orders can never
 * hold more than `maxRedemptions`.
 */

import { type Kysely, sql } from 'kysely';
import type { LocalDate } from '../cards/calendar.js';
import type { PromotionRule } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { unionAll } from '../db/union-all.js';
import { inForce, type Promotion } from './pricing.js';

/** The promotions with their current usage, overall and by this card. */
export interface Usage {
  used: number;
  usedByCard: number;
}

/**
 * Redemptions held now (by fulfilled orders, and pending orders not yet expired): the total
 * of each promotion in `totals`, and the card's own of each in `byCard`, in one statement.
 * A card's count reads only that card's redemptions (`redemptions_card`); a total reads
 * every redemption the promotion ever had, so it is asked only where a total limit needs it.
 */
export async function redemptionUsage(
  db: Kysely<Database>,
  totals: readonly string[],
  byCard: { cardId: string; promotionIds: readonly string[] } | null,
  now: Date,
): Promise<Map<string, Usage>> {
  const held = () =>
    db
      .selectFrom('redemptions as r')
      .innerJoin('orders as o', 'o.id', 'r.order_id')
      .where((eb) => eb.or([eb('o.status', '=', 'fulfilled'), eb.and([eb('o.status', '=', 'pending_payment'), eb('o.expires_at', '>', now.toISOString())])]))
      .groupBy('r.promotion_id');
  const parts = [];
  if (totals.length > 0) {
    parts.push(
      held()
        .select((eb) => ['r.promotion_id', eb.fn.countAll<number>().as('used'), sql<number>`0`.as('by_card')])
        .where('r.promotion_id', 'in', totals),
    );
  }
  if (byCard && byCard.promotionIds.length > 0) {
    parts.push(
      held()
        .select((eb) => ['r.promotion_id', sql<number>`0`.as('used'), eb.fn.countAll<number>().as('by_card')])
        .where('r.promotion_id', 'in', byCard.promotionIds)
        .where('r.card_id', '=', byCard.cardId),
    );
  }
  const rows = (await unionAll(parts)?.execute()) ?? [];
  const usage = new Map<string, Usage>();
  for (const row of rows) {
    const current = usage.get(row.promotion_id) ?? { used: 0, usedByCard: 0 };
    usage.set(row.promotion_id, { used: current.used + Number(row.used), usedByCard: current.usedByCard + Number(row.by_card) });
  }
  return usage;
}

/**
 * The promotions with their current usage where a limit needs it; `lock` holds the limited
 * ones until the transaction ends. Usage is read only for promotions `inForce` today
 * (pricing refuses the others before it looks at a limit), the total
 * only where there is a total limit and the card's only where there is a per-card one.
 */
export async function withUsage(
  db: Kysely<Database>,
  dialect: DialectName,
  rules: PromotionRule[],
  cardId: string,
  now: Date,
  today: LocalDate,
  lock: boolean,
): Promise<Promotion[]> {
  const current = rules.filter((p) => inForce(p, today));
  const totals = current.filter((p) => p.maxRedemptions !== null).map((p) => p.id);
  const perCard = current.filter((p) => p.perCardLimit !== null).map((p) => p.id);
  const limited = [...new Set([...totals, ...perCard])];
  if (lock && limited.length > 0) {
    await forUpdate(dialect, db.selectFrom('promotions').select('id').where('id', 'in', limited).orderBy('id')).execute();
  }
  const usage = await redemptionUsage(db, totals, { cardId, promotionIds: perCard }, now);
  return rules.map((p) => ({ ...p, ...(usage.get(p.id) ?? { used: 0, usedByCard: 0 }) }));
}

export async function reserveRedemptions(db: Kysely<Database>, promotionIds: string[], orderId: string, cardId: string, now: string): Promise<void> {
  if (promotionIds.length === 0) return;
  await db
    .insertInto('redemptions')
    .values(promotionIds.map((promotion_id) => ({ promotion_id, order_id: orderId, card_id: cardId, created_at: now })))
    .execute();
}
