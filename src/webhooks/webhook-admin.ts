/** The use cases behind the webhook admin routes, each checking the token may act for the operator. */

import type { Catalog } from '../catalog/catalog.js';
import type { AdminPrincipal } from '../catalog/catalog-service.js';
import { assertMayActFor } from '../catalog/catalog-service.js';
import type { Db } from '../db/database.js';
import { enqueue, messageOf } from '../notify/message-repository.js';
import { pendingRow } from '../notify/outbox.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, operatorNotFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { EndpointFields, WebhookEndpoints } from './webhook-endpoints.js';
import { WEBHOOK_KIND } from './webhook-repository.js';

/** What the webhook admin use cases work with (services.ts builds them once). */
export interface WebhookAdminDeps {
  db: Db;
  catalog: Catalog;
  clock: Clock;
  webhookEndpoints: WebhookEndpoints;
}

export class WebhookAdmin {
  constructor(private readonly services: WebhookAdminDeps) {}

  private async operatorId(principal: AdminPrincipal, code: string): Promise<string> {
    const operator = await this.services.catalog.operatorByCode(code);
    if (!operator) throw operatorNotFound(code);
    assertMayActFor(principal, operator.id);
    return operator.id;
  }

  async create(principal: AdminPrincipal, code: string, fields: EndpointFields & { url: string }) {
    return this.services.webhookEndpoints.create(await this.operatorId(principal, code), fields);
  }

  async list(principal: AdminPrincipal, code: string) {
    return this.services.webhookEndpoints.list(await this.operatorId(principal, code));
  }

  async update(principal: AdminPrincipal, code: string, id: string, fields: EndpointFields) {
    return this.services.webhookEndpoints.update(await this.operatorId(principal, code), id, fields);
  }

  /** A new delivery of the same event to the same endpoint. */
  async replay(principal: AdminPrincipal, code: string, id: string) {
    const operatorId = await this.operatorId(principal, code);
    const db = this.services.db.kysely;
    const row = await messageOf(db, operatorId, WEBHOOK_KIND, id);
    if (!row)
      throw new DomainError('message_not_found', { 'zh-CN': '该运营商没有这个 ID 的 Webhook 投递。', en: 'No webhook delivery of this operator has this id.' });
    const { kind, card_id, valid_until, step, channel, recipient, subject, body } = row;
    const replay = pendingRow(
      {
        id: `${row.id.split(':replay:')[0]}:replay:${newId('r')}`,
        kind,
        operator_id: operatorId,
        card_id,
        valid_until,
        step,
        channel,
        recipient,
        subject,
        body,
      },
      this.services.clock.now(),
    );
    await enqueue(db, [replay]);
    return { id: replay.id, status: 'pending' as const };
  }
}
