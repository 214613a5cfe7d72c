/**
 * A page of the newest rows of a table whose indexes lead with something other than the
 * time: the rows are split into branches, each one index range read in time order (an
 * operator's orders, an operator's messages of one kind and status), and the branches are
 * merged. Each branch stops after a page, so a page costs at most branches × page rows
 * read, however long the history; one `ORDER BY created_at` over the whole set would sort
 * it all.
 */

import { type Expression, type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { unionAll } from './union-all.js';

/** Where a page ends: the last row shown, by its time and id. */
export interface PagePosition {
  createdAt: string;
  id: string;
}

/**
 * The rows before a position in `created_at desc, id desc` order. The bound on `created_at`
 * alone is kept apart so that it narrows the index range; the tie on equal times is a filter.
 */
export function before(createdAt: string, id: string, position: PagePosition): Expression<SqlBool> {
  const time = sql.ref(createdAt);
  return sql<SqlBool>`(${time} <= ${position.createdAt} and (${time} < ${position.createdAt} or ${sql.ref(id)} < ${position.id}))`;
}

/**
 * Merges the branches, newest first, and answers `limit` rows. Every branch must select
 * `created_at` and `id` under those names. A branch is read only as far as the page needs,
 * when its index gives `created_at` order after its equality conditions.
 */
export async function newestFirst<O extends { created_at: string; id: string }>(
  db: Kysely<any>,
  branches: SelectQueryBuilder<any, any, O>[],
  limit: number,
): Promise<O[]> {
  const newest = (query: SelectQueryBuilder<any, any, O>) => query.orderBy('created_at', 'desc').orderBy('id', 'desc');
  const merged = unionAll(branches.map((branch, i) => db.selectFrom(newest(branch).limit(limit).as(`b${i}`)).selectAll() as SelectQueryBuilder<any, any, O>));
  if (!merged) return [];
  return (await newest(db.selectFrom(merged.as('merged')).selectAll() as SelectQueryBuilder<any, any, O>)
    .limit(limit)
    .execute()) as O[];
}
