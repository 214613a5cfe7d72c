/**
 * The dialect-specific pieces, in one place. SQLite serialises writers (Kysely runs every
 * SQLite transaction on its single connection under a mutex), so row locks are needed only
 * on PostgreSQL; the rest of the SQL we use (ON CONFLICT, RETURNING, partial indexes) is
 * common to both.
 */
import { type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Db, DialectName } from './database.js';

/** `SELECT … FOR UPDATE [OF table]` on PostgreSQL; unchanged on SQLite, whose transactions are serial. */
export function forUpdate<DB, TB extends keyof DB, O>(
  dialect: DialectName,
  query: SelectQueryBuilder<DB, TB, O>,
  of?: TB & string,
): SelectQueryBuilder<DB, TB, O> {
  if (dialect !== 'postgres') return query;
  return of === undefined ? query.forUpdate() : query.forUpdate(of as never);
}

/**
 * `SELECT … FOR SHARE` on PostgreSQL: the row cannot change (nor be locked FOR UPDATE) until
 * the transaction ends, while other sharers go on; unchanged on SQLite, whose transactions are serial.
 */
export function forShare<DB, TB extends keyof DB, O>(dialect: DialectName, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forShare() : query;
}

/**
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL, so concurrent workers claim disjoint rows;
 * unchanged on SQLite, whose writers are serial.
 */
export function skipLocked<DB, TB extends keyof DB, O>(dialect: DialectName, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/**
 * `column IN (query)` for a query that picks a bounded set of ids (a batch, a time window).
 * On PostgreSQL it is `column = any(array(query))`: the ids are found first and looked up
 * by the column's index, where `IN` lets the planner hash them and scan the whole table.
 */
export function inIds(dialect: DialectName, column: string, query: SelectQueryBuilder<any, any, any>): RawBuilder<SqlBool> {
  return dialect === 'postgres' ? sql<SqlBool>`${sql.ref(column)} = any(array(${query}))` : sql<SqlBool>`${sql.ref(column)} in (${query})`;
}

/**
 * A row as the column list and select list of an `INSERT … SELECT` (PostgreSQL): each value a
 * parameter, numbers and nulls as literals (a parameter there would be taken for text), or
 * the expression given for its column.
 */
export function selectedRow<Row extends object>(row: Row, expressions: Partial<Record<keyof Row, RawBuilder<unknown>>> = {}) {
  const columns = Object.keys(row) as (keyof Row & string)[];
  const value = (column: keyof Row & string) => {
    const given = expressions[column];
    if (given) return given;
    const v: unknown = row[column];
    return typeof v === 'number' ? sql.lit(v) : v === null ? sql`null` : sql.val(v);
  };
  return { columns: sql.join(columns.map((c) => sql.ref(c))), values: sql.join(columns.map(value)) };
}

/** True when an error is a unique-constraint violation, in either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Serialises one kind of work for one operator until the transaction ends: a transaction
 * advisory lock on PostgreSQL (it writes nothing, so holding it costs no WAL flush);
 * nothing on SQLite, whose transactions are serial. With `wait: false`, answers false at
 * once instead of waiting when another transaction holds it.
 */
export async function lockForOperator(trx: Kysely<any>, dialect: DialectName, key: string, wait = true): Promise<boolean> {
  if (dialect !== 'postgres') return true;
  if (wait) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
    return true;
  }
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** PostgreSQL only: `NOTIFY channel, payload`, heard by every session that LISTENs on the channel. */
export async function notifyChannel(db: Kysely<any>, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}

/**
 * A string with a lone UTF-16 surrogate, as text in its own parameter, reaches the database
 * with U+FFFD in its place (UTF-8 cannot encode it); PostgreSQL's JSON parser would refuse
 * the whole batch instead, failing every request that shares it. So it travels the same way.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' && LONE_SURROGATE.test(value) ? Buffer.from(value, 'utf8').toString('utf8') : value;
}

/** The SQL type of a column of `jsonRows`. */
export type JsonColumnType = 'text' | 'integer';

/**
 * A derived table `alias(columns…)` of the objects in `rows`, sent as one JSON parameter:
 * `jsonb_to_recordset` on PostgreSQL, `json_each` on SQLite. A batch of any size is then one
 * statement with one parameter, instead of one statement per row or thousands of parameters.
 */
export function jsonRows(dialect: DialectName, rows: readonly object[], columns: Record<string, JsonColumnType>, alias: string) {
  const json = JSON.stringify(rows, wellFormed);
  const names = Object.keys(columns);
  // Names come from the code, never from input; they are spliced into the SQL.
  for (const name of names) if (!/^[a-z_]+$/.test(name)) throw new Error(`jsonRows: bad column name ${name}`);
  if (!/^[a-z_]+$/.test(alias)) throw new Error(`jsonRows: bad alias ${alias}`);
  if (dialect === 'postgres') {
    const definition = names.map((name) => `${name} ${columns[name]}`).join(', ');
    return sql`jsonb_to_recordset(cast(${json} as jsonb)) as ${sql.raw(`${alias}(${definition})`)}`;
  }
  const fields = names.map((name) => `value ->> '${name}' as ${name}`).join(', ');
  return sql`(select ${sql.raw(fields)} from json_each(${json})) as ${sql.raw(alias)}`;
}

/**
 * `LEFT JOIN table AS alias ON condition` for a small outer table such as `jsonRows`, where
 * the condition picks at most one row of `table` by an index. PostgreSQL takes a function's
 * rows for a hundred and would rather hash the whole table, so there it is a `LATERAL`
 * subquery with `LIMIT 1` (which also keeps the planner from flattening it back into the
 * hash join); SQLite's planner probes the index by itself. `condition` may name `alias` and
 * the outer table.
 */
export function leftJoinOne(dialect: DialectName, table: string, alias: string, condition: RawBuilder<unknown>) {
  // Names come from the code, never from input; they are spliced into the SQL.
  if (!/^[a-z_]+$/.test(table) || !/^[a-z_]+$/.test(alias)) throw new Error(`leftJoinOne: bad name ${table} ${alias}`);
  const from = sql.raw(`${table} as ${alias}`);
  if (dialect === 'postgres') return sql`left join lateral (select * from ${from} where ${condition} limit 1) as ${sql.raw(alias)} on true`;
  return sql`left join ${from} on ${condition}`;
}

/**
 * A point read for a batch of keys in one statement. The keys become the derived table `q`
 * (`jsonRows`, with each key's position as `q.i`); `select` builds the query over it, which
 * must answer one row per key (left joins, `leftJoinOne`, scalar subqueries). Returns each
 * key's row, in the keys' order.
 */
export async function readEach<K extends object, R extends object>(
  db: Db,
  keys: readonly K[],
  columns: Record<keyof K & string, JsonColumnType>,
  select: (q: RawBuilder<unknown>) => RawBuilder<R & { i: number }>,
): Promise<R[]> {
  const q = jsonRows(
    db.dialect,
    keys.map((key, i) => ({ i, ...key })),
    { i: 'integer', ...columns },
    'q',
  );
  const { rows } = await select(q).execute(db.kysely);
  const found: R[] = new Array(keys.length);
  for (const { i, ...row } of rows) found[Number(i)] = row as unknown as R;
  return found;
}

/**
 * Rewrites the tables so that no old version of a row survives in the database's files:
 * `VACUUM FULL` of just those tables on PostgreSQL (a short exclusive lock each), `VACUUM`
 * of the whole file then a WAL checkpoint on SQLite (writers wait while it runs). After
 * secrets were sealed again, their old copies (in clear, or under a retired key) would
 * otherwise stay in freed pages or dead tuples until reused.
 */
export async function dropOldRowVersions(db: Db, tables: readonly string[]): Promise<void> {
  if (db.dialect === 'postgres') {
    for (const table of tables) await sql`vacuum full ${sql.table(table)}`.execute(db.kysely);
    return;
  }
  await sql`vacuum`.execute(db.kysely);
  await sql`pragma wal_checkpoint(truncate)`.execute(db.kysely);
}
