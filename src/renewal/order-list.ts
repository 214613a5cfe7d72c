/**
 * The admin order list: a page of orders, newest first, filtered by status and creation
 * time and continued by an opaque cursor. Each operator's orders are read in the order of
 * the `orders_operator_created` index and merged (`newestFirst`), so a platform-wide page
 * reads a page per operator rather than sorting every order.
 */
import type { Kysely } from 'kysely';
import { allOperatorIds } from '../catalog/catalog-repository.js';
import type { PagePosition } from '../db/newest-first.js';
import type { Database, OrderTable } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';
import { listedOrders, newestOrderIds } from './order-repository.js';
import { effectiveStatus } from './order-view.js';

export interface OrderListQuery {
  operator?: string | undefined;
  status?: OrderTable['status'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Past this many operators a platform-wide page is one ordered read of every order (a sort
 * of the whole table, as before the merge) rather than a union longer than SQLite takes.
 */
export const MERGED_OPERATORS = 100;

/** A page of the operator's orders, or every operator's (`undefined`), as `now` sees their status. */
export async function listOrders(db: Kysely<Database>, operatorId: string | undefined, query: OrderListQuery, now: Date) {
  let position: PagePosition | undefined;
  if (query.cursor) {
    // `<created_at>|<id>` as written below; anything else did not come from here.
    const [, createdAt, id] =
      /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8')) ?? [];
    if (!createdAt || !id)
      throw new DomainError(
        'invalid_request',
        { 'zh-CN': '该 cursor 不是本接口返回的。', en: 'The cursor is not one this API returned.' },
        { fields: ['/cursor'] },
      );
    position = { createdAt, id };
  }
  const operatorIds = operatorId ? [operatorId] : await allOperatorIds(db);
  const scopes = operatorIds.length <= MERGED_OPERATORS ? operatorIds : [undefined];
  const found = await newestOrderIds(db, scopes, query, position, query.limit + 1, now.toISOString());
  const page = found.slice(0, query.limit);
  const rows = await listedOrders(
    db,
    page.map((o) => o.id),
  );
  const last = page.at(-1);
  return {
    orders: rows.map((r) => ({
      id: r.id,
      operator: r.operator,
      status: effectiveStatus({ status: r.status, expires_at: r.expires_at }, now),
      plan: r.plan_code,
      channel: r.channel,
      msisdn: r.msisdn,
      total: r.total,
      currency: r.currency,
      createdAt: r.created_at,
      fulfilledAt: r.fulfilled_at,
      validUntilAfter: r.valid_until_after,
      receiptNumber: r.receipt_number,
    })),
    nextCursor: found.length > query.limit && last ? Buffer.from(`${last.created_at}|${last.id}`).toString('base64url') : null,
  };
}
