/**
 * The admin order list: a page of orders, newest first, filtered by status and creation
 * time and continued by an opaque cursor. Each operator's orders are read in the order of
 * the `orders_operator_created` index and merged (`newestFirst`), so a platform-wide page
 * reads a page per operator rather than sorting every order.
 */
import type { Kysely } from 'kysely';
import { allOperatorIds } from '../catalog/catalog-repository.js';
import { before, newestFirst, type PagePosition } from '../db/newest-first.js';
import type { Database, OrderTable } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';
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
  const nowIso = now.toISOString();
  let position: PagePosition | undefined;
  if (query.cursor) {
    // `<created_at>|<id>` as written below; anything else did not come from here.
    const [, createdAt, id] =
      /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(query.cursor, 'base64url').toString('utf8')) ?? [];
    if (!createdAt || !id) throw new DomainError('invalid_request', 'The cursor is not one this API returned.', { fields: ['/cursor'] });
    position = { createdAt, id };
  }
  const operatorIds = operatorId ? [operatorId] : await allOperatorIds(db);
  const scopes = operatorIds.length <= MERGED_OPERATORS ? operatorIds : [undefined];
  const branches = scopes.map((id) => {
    let q = db.selectFrom('orders').select(['id', 'created_at']);
    if (id) q = q.where('operator_id', '=', id);
    if (query.status === 'expired')
      q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending_payment'), eb('expires_at', '<=', nowIso)])]));
    else if (query.status === 'pending_payment') q = q.where('status', '=', 'pending_payment').where('expires_at', '>', nowIso);
    else if (query.status) q = q.where('status', '=', query.status);
    if (query.from) q = q.where('created_at', '>=', query.from);
    if (query.to) q = q.where('created_at', '<', query.to);
    return position ? q.where(before('created_at', 'id', position)) : q;
  });
  const found = await newestFirst(db, branches, query.limit + 1);
  const page = found.slice(0, query.limit);
  const rows = await listed(
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

/** The orders of a page with what the list shows of each, newest first. */
async function listed(db: Kysely<Database>, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('orders as o')
    .innerJoin('cards as c', 'c.id', 'o.card_id')
    .innerJoin('operators as op', 'op.id', 'o.operator_id')
    .select([
      'o.id',
      'o.status',
      'o.expires_at',
      'o.plan_code',
      'o.channel',
      'o.total',
      'o.currency',
      'o.created_at',
      'o.fulfilled_at',
      'o.receipt_number',
      'o.valid_until_after',
      'c.msisdn',
      'op.code as operator',
    ])
    .where('o.id', 'in', ids)
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .execute();
}
