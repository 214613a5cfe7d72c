/**
 * SMS to customers who joined the queue with a phone number: once when 3 people (or fewer)
 * are ahead, and when their ticket is called. Written to the outbox in the transaction of
 * the change, so a rolled-back call sends nothing.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { enqueueMessage } from '../notify/outbox.js';
import type { HallRow } from './hall-repository.js';
import { NEAR_AHEAD, peopleAhead } from './queue-rules.js';
import { type TicketRow, toQueued, waitingTickets } from './ticket-repository.js';

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

/** Tells every waiting ticket of the services with a phone, not yet told, that is now near the front. */
export async function noticeNear(trx: Kysely<Database>, hall: HallRow, serviceIds: readonly string[], now: Date): Promise<void> {
  const waiting = await waitingTickets(trx, hall.id, serviceIds);
  const queued = waiting.map(toQueued);
  for (const ticket of waiting) {
    if (!ticket.phone || ticket.near_notified === 1) continue;
    const ahead = peopleAhead(queued, toQueued(ticket));
    if (ahead > NEAR_AHEAD) continue;
    await enqueueMessage(
      trx,
      { kind: HALL_MESSAGE_KIND, operatorId: hall.operator_id, channel: 'sms', to: ticket.phone, text: nearMessage(hall.name, ticket.number, ahead) },
      now,
    );
    await trx.updateTable('hall_tickets').set({ near_notified: 1 }).where('id', '=', ticket.id).execute();
  }
}
