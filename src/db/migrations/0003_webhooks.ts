/** Outbound webhooks: each operator's endpoints. Deliveries go through the outbox. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    // The signing secret: shown once when the endpoint is created, never answered again.
    .addColumn('secret', 'text', (c) => c.notNull())
    // JSON array of event types; ["*"] is every event.
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_operator').on('webhook_endpoints').column('operator_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_endpoints').ifExists().execute();
}
