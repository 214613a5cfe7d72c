/**
 * Reads the catalog (operators, plans, promotions) for the hot paths. Every lookup and
 * quote needs it, and it changes rarely, so each process keeps it in memory for a short
 * time (`ttlMs`); a write through this process invalidates it at once, and a write through
 * another process is seen within the TTL.
 */

import type { Db } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import { findOperator, findOperatorByCode, operatorPromotions, plansByPrice } from './catalog-repository.js';
import { type Operator, type Plan, type PromotionRule, toOperator, toPlan, toPromotionRule } from './model.js';

interface Entry<T> {
  value: T;
  loadedAt: number;
}

export class Catalog {
  private operatorsByCode = new Map<string, Entry<Operator | undefined>>();
  private plans = new Map<string, Entry<Plan[]>>();
  private promotions = new Map<string, Entry<PromotionRule[]>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs = 2000,
  ) {}

  private fresh<T>(entry: Entry<T> | undefined): entry is Entry<T> {
    return entry !== undefined && this.clock.now().getTime() - entry.loadedAt < this.ttlMs;
  }

  private async cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const entry = map.get(key);
    if (this.fresh(entry)) return entry.value;
    const value = await load();
    map.set(key, { value, loadedAt: this.clock.now().getTime() });
    return value;
  }

  operatorByCode(code: string): Promise<Operator | undefined> {
    return this.cached(this.operatorsByCode, code, async () => {
      const row = await findOperatorByCode(this.db.kysely, code);
      return row ? toOperator(row) : undefined;
    });
  }

  async operatorById(id: string): Promise<Operator | undefined> {
    for (const entry of this.operatorsByCode.values()) {
      if (this.fresh(entry) && entry.value?.id === id) return entry.value;
    }
    const row = await findOperator(this.db.kysely, id);
    if (!row) return undefined;
    const operator = toOperator(row);
    this.operatorsByCode.set(operator.code, { value: operator, loadedAt: this.clock.now().getTime() });
    return operator;
  }

  plansOf(operatorId: string): Promise<Plan[]> {
    return this.cached(this.plans, operatorId, async () => {
      const rows = await plansByPrice(this.db.kysely, operatorId);
      return rows.map(toPlan);
    });
  }

  /** The operator's promotions, oldest first (ids are time-ordered ULIDs). */
  promotionsOf(operatorId: string): Promise<PromotionRule[]> {
    return this.cached(this.promotions, operatorId, async () => {
      const rows = await operatorPromotions(this.db.kysely, operatorId);
      return rows.map(toPromotionRule);
    });
  }

  invalidate(): void {
    this.operatorsByCode.clear();
    this.plans.clear();
    this.promotions.clear();
  }
}
