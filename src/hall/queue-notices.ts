/**
 * SMS to customers who joined the queue with a phone number: once when 3 people (or fewer)
 * are ahead, and when their ticket is called. Written to the outbox in the transaction of
 * the change, so a rolled-back call sends nothing.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.js';
import { skipLocked } from '../db/dialect.js';
import type { Database } from '../db/schema.js';
import { enqueueMessage } from '../notify/outbox.js';
import type { HallRow } from './hall-repository.js';
import { NEAR_AHEAD } from './queue-rules.js';
import { type TicketRow, waitingInOrder } from './ticket-repository.js';

export const HALL_MESSAGE_KIND = 'message';

export function nearMessage(hallName: string, number: string, ahead: number): string {
  return `【${hallName}】您的号码 ${number} 前面还有 ${ahead} 位，请准备。Ticket ${number}: ${ahead} ahead of you, please come to the hall.`;
}

export function calledMessage(hallName: string, number: string, counter: string): string {
  return `【${hallName}】请 ${number} 号到 ${counter} 号窗口。Ticket ${number}: please go to counter ${counter}.`;
}

export async function noticeCalled(trx: Kysely<Database>, hall: HallRow, ticket: TicketRow, counterName: string, now: Date): Promise<void> {
  if (!ticket.phone) return;
  await enqueueMessage(
    trx,
    { kind: HALL_MESSAGE_KIND, operatorId: hall.operator_id, channel: 'sms', to: ticket.phone, text: calledMessage(hall.name, ticket.number, counterName) },
    now,
  );
}

/**
 * Tells every waiting ticket of the services with a phone, not yet told, that is now near
 * the front. Each is marked told by a conditional update that skips rows another
 * transaction holds (PostgreSQL), so two changes at once never send one message twice and
 * never wait on each other; a ticket skipped here is told by the next change.
 */
export async function noticeNear(trx: Kysely<Database>, dialect: DialectName, hall: HallRow, serviceIds: readonly string[], now: Date): Promise<void> {
  // Per service, only its first NEAR_AHEAD + 1 waiting tickets can be near the front.
  const fronts = await Promise.all(
    serviceIds.map((id) =>
      waitingInOrder(trx, hall.id, [id])
        .selectAll()
        .limit(NEAR_AHEAD + 1)
        .execute(),
    ),
  );
  const near = new Map<string, { ticket: TicketRow; ahead: number }>();
  for (const front of fronts) {
    front.forEach((ticket, ahead) => {
      if (ticket.phone && ticket.near_notified === 0) near.set(ticket.id, { ticket, ahead });
    });
  }
  if (near.size === 0) return;
  const unclaimed = skipLocked(
    dialect,
    trx
      .selectFrom('hall_tickets')
      .select('id')
      .where('id', 'in', [...near.keys()])
      .where('near_notified', '=', 0)
      .where('status', '=', 'waiting'),
  );
  const told = await trx.updateTable('hall_tickets').set({ near_notified: 1 }).where('id', 'in', unclaimed).returning('id').execute();
  for (const { id } of told) {
    const { ticket, ahead } = near.get(id) as { ticket: TicketRow; ahead: number };
    await enqueueMessage(
      trx,
      {
        kind: HALL_MESSAGE_KIND,
        operatorId: hall.operator_id,
        channel: 'sms',
        to: ticket.phone as string,
        text: nearMessage(hall.name, ticket.number, ahead),
      },
      now,
    );
  }
}
