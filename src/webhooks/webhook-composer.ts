/**
 * Turns claimed webhook rows into signed POSTs. The signature is made when the delivery
 * is attempted, so its timestamp is fresh on every retry. A lifecycle event's body is
 * built from the card as the event saw it (its `validUntil` is in the row); an order
 * event's body was written with it. Deliveries to an endpoint that was switched off since
 * are skipped, and so are those whose endpoint's secret this process cannot open (its
 * master key is missing): the reason says which key.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/database.js';
import type { Composer, Composition } from '../notify/dispatcher.js';
import type { OutboxRow } from '../notify/outbox.js';
import { type Keyring, UnreadableSecret } from '../platform/sealed.js';
import type { EventBody } from './events.js';
import { openEndpointSecret } from './webhook-endpoints.js';
import { cardsNamed, endpointsById } from './webhook-repository.js';
import { signWebhook } from './webhook-signature.js';

export class WebhookComposer implements Composer {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly keyring: Keyring,
  ) {}

  async compose(rows: OutboxRow[], now: Date): Promise<Map<string, Composition>> {
    const endpointIds = [...new Set(rows.flatMap((r) => (r.recipient ? [r.recipient] : [])))];
    const cardIds = [...new Set(rows.flatMap((r) => (r.body === null && r.card_id ? [r.card_id] : [])))];
    const endpoints = await endpointsById(this.db.kysely, endpointIds);
    const cards = await cardsNamed(this.db.kysely, cardIds);
    const endpointById = new Map(endpoints.map((e) => [e.id, e]));
    const cardById = new Map(cards.map((c) => [c.id, c]));
    const out = new Map<string, Composition>();
    for (const row of rows) {
      const endpoint = row.recipient ? endpointById.get(row.recipient) : undefined;
      const operator = await this.catalog.operatorById(row.operator_id);
      if (endpoint?.active !== 1 || !operator) {
        out.set(row.id, { action: 'drop', status: 'skipped', reason: 'endpoint_inactive' });
        continue;
      }
      let secret: string;
      try {
        secret = openEndpointSecret(this.keyring, endpoint.id, endpoint.secret);
      } catch (error) {
        if (!(error instanceof UnreadableSecret)) throw error;
        out.set(row.id, { action: 'drop', status: 'skipped', reason: `secret_unreadable: ${error.message}` });
        continue;
      }
      let body: EventBody;
      if (row.body !== null) {
        body = JSON.parse(row.body) as EventBody;
      } else {
        const card = row.card_id ? cardById.get(row.card_id) : undefined;
        const kind = (row.step ?? '').slice('card.'.length);
        body = {
          id: `lc:${row.card_id}:${row.valid_until}:${kind}`,
          type: row.step as EventBody['type'],
          createdAt: row.created_at,
          data: { card: { id: row.card_id, msisdn: card?.msisdn ?? null, iccid: card?.iccid ?? null, validUntil: row.valid_until, status: kind } },
        };
      }
      const text = JSON.stringify({ ...body, operator: operator.code });
      out.set(row.id, {
        action: 'send',
        quietHours: false,
        message: {
          id: row.id,
          channel: 'webhook',
          to: endpoint.url,
          text,
          operator: operator.code,
          headers: {
            'simkeep-signature': signWebhook(secret, text, now),
            'simkeep-event': body.type,
            'simkeep-event-id': body.id,
            'simkeep-delivery': row.id,
          },
        },
      });
    }
    return out;
  }
}
