/**
 * SMS to customers who joined the queue with a phone number: once when 3 people (or fewer)
 * are ahead, and when their ticket is called. A call's SMS is written in the call's commit,
 * so a call that fails sends nothing; the near-front ones follow the change that moved the
 * queue.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.js';
import type { Database, OutboxTable } from '../../db/schema.js';
import { enqueueMessage } from '../../notify/message-repository.js';
import { messageRow } from '../../notify/outbox.js';
import { CALLED_NUMBER } from '../console/call-repository.js';
import type { HallRow } from '../hall-repository.js';
import { claimNearNotices, queueFront } from './queue-repository.js';
import { NEAR_AHEAD } from './queue-rules.js';
import type { TicketRow } from './ticket-repository.js';

export const HALL_MESSAGE_KIND = 'message';

export function nearMessage(hallName: string, number: string, ahead: number): string {
  return `【${hallName}】您的号码 ${number} 前面还有 ${ahead} 位，请准备。Ticket ${number}: ${ahead} ahead of you, please come to the hall.`;
}

export function calledMessage(hallName: string, number: string, counter: string): string {
  return `【${hallName}】请 ${number} 号到 ${counter} 号窗口。Ticket ${number}: please go to counter ${counter}.`;
}

/** The SMS of a call at the counter, for `callNext` to address to the called ticket and number. */
export function calledNotice(hall: HallRow, counterName: string, now: Date): OutboxTable {
  const text = calledMessage(hall.name, CALLED_NUMBER, counterName);
  return messageRow({ kind: HALL_MESSAGE_KIND, operatorId: hall.operator_id, channel: 'sms', to: '', text }, now);
}

/**
 * Tells every waiting ticket of the services with a phone, not yet told, that is now near
 * the front. Each is marked told by a conditional update that skips rows another
 * transaction holds (PostgreSQL), so two changes at once never send one message twice and
 * never wait on each other; a ticket skipped here is told by the next change. Runs in the
 * caller's transaction when given one, and otherwise writes in one of its own, only when
 * someone is to be told.
 */
export async function noticeNear(db: Kysely<Database>, dialect: DialectName, hall: HallRow, serviceIds: readonly string[], now: Date): Promise<void> {
  // Per service, only its first NEAR_AHEAD + 1 waiting tickets can be near the front.
  const fronts = await Promise.all(serviceIds.map((id) => queueFront(db, hall.id, id, NEAR_AHEAD + 1)));
  const near = new Map<string, { ticket: TicketRow; ahead: number }>();
  for (const front of fronts) {
    front.forEach((ticket, ahead) => {
      if (ticket.phone && ticket.near_notified === 0) near.set(ticket.id, { ticket, ahead });
    });
  }
  if (near.size === 0) return;
  const tell = async (trx: Kysely<Database>) => {
    for (const id of await claimNearNotices(trx, dialect, [...near.keys()])) {
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
  };
  await (db.isTransaction ? tell(db) : db.transaction().execute(tell));
}
