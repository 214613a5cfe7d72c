/** Queries of one shape as one statement. */
import type { SelectQueryBuilder } from 'kysely';

/** The queries joined by `UNION ALL`, in order; undefined when there are none. */
export function unionAll<DB, TB extends keyof DB, O>(queries: readonly SelectQueryBuilder<DB, TB, O>[]): SelectQueryBuilder<DB, TB, O> | undefined {
  const [first, ...rest] = queries;
  return first && rest.reduce((union, query) => union.unionAll(query), first);
}
