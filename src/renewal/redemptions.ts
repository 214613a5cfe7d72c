/**
 * Promotion redemptions. An order reserves one per promotion it uses when it is created;
 * the reservation counts while the order is fulfilled, or pending and not yet expired, so
 * an expired or cancelled order releases it without any job. Reserving locks the limited
 * promotions (PostgreSQL; SQLite transactions are serial), so concurrent orders can never
 * hold more than `maxRedemptions`.
 */
import type { Kysely } from 'kysely';
import type { LocalDate } from '../cards/calendar.js';
import { lockPromotions } from '../catalog/catalog-repository.js';
import type { PromotionRule } from '../catalog/model.js';
import type { DialectName } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { redemptionUsage } from './order-repository.js';
import { inForce, type Promotion } from './pricing.js';

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
  if (lock && limited.length > 0) await lockPromotions(db, dialect, limited);
  const usage = await redemptionUsage(db, totals, { cardId, promotionIds: perCard }, now);
  return rules.map((p) => ({ ...p, ...(usage.get(p.id) ?? { used: 0, usedByCard: 0 }) }));
}
