/**
 * Taking a fulfilled renewal back: the card returns to its validity before the order, but
 * only while no later renewal of the card was fulfilled (its extension would be lost
 * otherwise). Used by the operator's refunds and by counter voids, inside their transaction.
 */
import type { Kysely } from 'kysely';
import { lockCard, recordCardEvent, updateCard } from '../cards/card-repository.js';
import type { DialectName } from '../db/database.js';
import type { Database, OrderTable } from '../db/schema.js';
import { DomainError } from '../shared/errors.js';
import { hasLaterFulfilment } from './order-repository.js';

export async function takeBackExtension(trx: Kysely<Database>, dialect: DialectName, order: OrderTable, now: string, actor: string): Promise<void> {
  const card = await lockCard(trx, dialect, order.card_id);
  if ((await hasLaterFulfilment(trx, order)) || card.valid_until !== order.valid_until_after) {
    throw new DomainError('order_not_pending', {
      'zh-CN': '此卡之后又有一笔续费已成功，这笔续费延长的有效期无法收回。',
      en: 'A later renewal was fulfilled on this card; its extension cannot be taken back.',
    });
  }
  await updateCard(trx, card.id, {
    valid_until: order.valid_until_before ?? card.valid_until,
    anchor_day: order.anchor_day_before ?? card.anchor_day,
    updated_at: now,
  });
  await recordCardEvent(trx, card.id, 'renewal_refunded', now, { order: order.id, to: order.valid_until_before }, actor);
}
