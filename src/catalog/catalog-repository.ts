/**
 * The catalog in the database: operators, their plans and their promotions (automatic ones
 * and coupons). The cached reads of the hot paths (catalog.ts) and the back office
 * (catalog-service.ts) both go through here. Each function takes the Kysely instance or
 * the transaction it runs in.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.js';
import { forUpdate } from '../db/dialect.js';
import type { Database, OperatorTable, PlanTable, PromotionTable } from '../db/schema.js';

export type OperatorRow = OperatorTable;
export type PlanRow = PlanTable;
export type PromotionRow = PromotionTable;

/** What the card lifecycle needs of an operator. */
export interface OperatorPolicyRow {
  id: string;
  time_zone: string;
  grace_days: number;
  suspend_days: number;
}

export function findOperatorByCode(db: Kysely<Database>, code: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('code', '=', code).executeTakeFirst();
}

export function findOperator(db: Kysely<Database>, id: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function operatorIdByCode(db: Kysely<Database>, code: string): Promise<string | undefined> {
  return (await db.selectFrom('operators').select('id').where('code', '=', code).executeTakeFirst())?.id;
}

export async function allOperatorIds(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('operators').select('id').execute()).map((o) => o.id);
}

/** Every operator's code, alphabetically. */
export async function operatorCodes(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('operators').select('code').orderBy('code').execute()).map((o) => o.code);
}

/** The code of the operator created first (the deployment's default storefront). */
export async function firstOperatorCode(db: Kysely<Database>): Promise<string | undefined> {
  return (await db.selectFrom('operators').select('code').orderBy('created_at').orderBy('code').limit(1).executeTakeFirst())?.code;
}

export function operatorPolicies(db: Kysely<Database>, ids: readonly string[]): Promise<OperatorPolicyRow[]> {
  return db.selectFrom('operators').select(['id', 'time_zone', 'grace_days', 'suspend_days']).where('id', 'in', ids).execute();
}

/**
 * `default_language` may be left out, to the column's default (zh-CN): Kysely's types want
 * every not-null column, the database fills this one.
 */
export async function insertOperator(
  db: Kysely<Database>,
  row: Omit<OperatorRow, 'default_language'> & Partial<Pick<OperatorRow, 'default_language'>>,
): Promise<void> {
  await db
    .insertInto('operators')
    .values(row as OperatorRow)
    .execute();
}

export function updateOperator(db: Kysely<Database>, id: string, changes: Partial<OperatorRow>): Promise<OperatorRow> {
  return db.updateTable('operators').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The operator's plans, cheapest first (as subscribers are offered them). */
export function plansByPrice(db: Kysely<Database>, operatorId: string): Promise<PlanRow[]> {
  return db.selectFrom('plans').selectAll().where('operator_id', '=', operatorId).orderBy('price').orderBy('code').execute();
}

/** The operator's plans by code (as the back office lists them). */
export function plansByCode(db: Kysely<Database>, operatorId: string): Promise<PlanRow[]> {
  return db.selectFrom('plans').selectAll().where('operator_id', '=', operatorId).orderBy('code').execute();
}

export function findPlan(db: Kysely<Database>, operatorId: string, code: string): Promise<PlanRow | undefined> {
  return db.selectFrom('plans').selectAll().where('operator_id', '=', operatorId).where('code', '=', code).executeTakeFirst();
}

/** A plan's name in both languages, for a receipt. */
export function planName(db: Kysely<Database>, id: string): Promise<Pick<PlanRow, 'name_zh' | 'name_en'>> {
  return db.selectFrom('plans').select(['name_zh', 'name_en']).where('id', '=', id).executeTakeFirstOrThrow();
}

export async function insertPlan(db: Kysely<Database>, row: PlanRow): Promise<void> {
  await db.insertInto('plans').values(row).execute();
}

export function updatePlan(db: Kysely<Database>, id: string, changes: Partial<PlanRow>): Promise<PlanRow> {
  return db.updateTable('plans').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The operator's promotions, oldest first (ids are time-ordered ULIDs). */
export function operatorPromotions(db: Kysely<Database>, operatorId: string): Promise<PromotionRow[]> {
  return db.selectFrom('promotions').selectAll().where('operator_id', '=', operatorId).orderBy('id').execute();
}

export function findPromotion(db: Kysely<Database>, operatorId: string, id: string): Promise<PromotionRow | undefined> {
  return db.selectFrom('promotions').selectAll().where('operator_id', '=', operatorId).where('id', '=', id).executeTakeFirst();
}

export async function insertPromotion(db: Kysely<Database>, row: PromotionRow): Promise<void> {
  await db.insertInto('promotions').values(row).execute();
}

export function updatePromotion(db: Kysely<Database>, id: string, changes: Partial<PromotionRow>): Promise<PromotionRow> {
  return db.updateTable('promotions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/**
 * Locks the promotions until the transaction ends, in id order (so two orders locking the
 * same promotions never deadlock): concurrent orders then count their redemptions in turn.
 */
export async function lockPromotions(db: Kysely<Database>, dialect: DialectName, ids: readonly string[]): Promise<void> {
  await forUpdate(dialect, db.selectFrom('promotions').select('id').where('id', 'in', ids).orderBy('id')).execute();
}
