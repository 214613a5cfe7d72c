/**
 * The service hall (issue #4): halls with their services and counters, staff with sessions,
 * login failures and an audit log, queue tickets with their daily sequences, cash shifts,
 * counter payments, ID checks and invoice requests. Independent of 0005: it references only
 * tables of 0001 (operators, orders).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('halls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    // JSON: {"mon": ["09:00", "18:00"], …}; informative (the kiosk shows it).
    .addColumn('opening_hours', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // Recalls a called ticket gets before it may be marked a no-show.
    .addColumn('max_recalls', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('halls_operator').on('halls').column('operator_id').execute();

  await db.schema
    .createTable('hall_services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hall_id', 'text', (c) => c.notNull().references('halls.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('ticket_prefix', 'text', (c) => c.notNull())
    // The wait estimate's service time until the service has finished tickets of its own.
    .addColumn('default_service_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hall_services_code', ['hall_id', 'code'])
    .addUniqueConstraint('hall_services_prefix', ['hall_id', 'ticket_prefix'])
    .execute();

  await db.schema
    .createTable('hall_counters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hall_id', 'text', (c) => c.notNull().references('halls.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hall_counters_name', ['hall_id', 'name'])
    .execute();
  await db.schema
    .createTable('hall_counter_services')
    .addColumn('counter_id', 'text', (c) => c.notNull().references('hall_counters.id'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('hall_services.id'))
    .addPrimaryKeyConstraint('hall_counter_services_pk', ['counter_id', 'service_id'])
    .execute();
  await db.schema.createIndex('hall_counter_services_service').on('hall_counter_services').column('service_id').execute();

  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'))
    // Null for an operator admin (all halls of the operator).
    .addColumn('hall_id', 'text', (c) => c.references('halls.id'))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_operator').on('staff').columns(['operator_id', 'hall_id']).execute();

  // Sessions by the SHA-256 of their cookie token; the CSRF token is sent back in a header.
  await db.schema
    .createTable('staff_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();
  await db.schema.createIndex('staff_sessions_expiry').on('staff_sessions').column('expires_at').execute();

  await db.schema
    .createTable('staff_login_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_login_failures_username').on('staff_login_failures').columns(['username', 'at']).execute();
  await db.schema.createIndex('staff_login_failures_ip').on('staff_login_failures').columns(['ip', 'at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('hall_id', 'text')
    .addColumn('staff_id', 'text')
    // `staff:<id>`, `admin:<token id>` or `anonymous` (a failed login).
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('detail', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_operator').on('audit_log').columns(['operator_id', 'at']).execute();
  await db.schema.createIndex('audit_log_hall').on('audit_log').columns(['hall_id', 'at']).execute();
  await db.schema.createIndex('audit_log_staff').on('audit_log').columns(['staff_id', 'at']).execute();

  await db.schema
    .createTable('hall_ticket_sequences')
    .addColumn('service_id', 'text', (c) => c.notNull().references('hall_services.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hall_ticket_sequences_pk', ['service_id', 'day'])
    .execute();

  await db.schema
    .createTable('hall_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The bearer secret of the phone page (128 random bits).
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('hall_id', 'text', (c) => c.notNull().references('halls.id'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('hall_services.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recalls', 'integer', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.references('hall_counters.id'))
    .addColumn('target_counter_id', 'text', (c) => c.references('hall_counters.id'))
    .addColumn('clerk_id', 'text', (c) => c.references('staff.id'))
    .addColumn('near_notified', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    // Place in the queue: the issue time, or the time of a rejoin (the back of the queue).
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('called_at', 'text')
    .addColumn('first_called_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hall_tickets_sequence', ['service_id', 'day', 'sequence'])
    .execute();
  await db.schema.createIndex('hall_tickets_queue').on('hall_tickets').columns(['hall_id', 'status', 'service_id', 'queued_at']).execute();
  await db.schema.createIndex('hall_tickets_finished').on('hall_tickets').columns(['service_id', 'status', 'finished_at']).execute();
  await db.schema.createIndex('hall_tickets_day').on('hall_tickets').columns(['hall_id', 'day']).execute();
  await db.schema.createIndex('hall_tickets_counter').on('hall_tickets').columns(['counter_id', 'status']).execute();

  await db.schema
    .createTable('counter_shifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hall_id', 'text', (c) => c.notNull().references('halls.id'))
    .addColumn('counter_id', 'text', (c) => c.notNull().references('hall_counters.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('float', 'integer', (c) => c.notNull())
    .addColumn('counted', 'integer')
    .addColumn('expected', 'integer')
    .addColumn('difference', 'integer')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('approved_by', 'text', (c) => c.references('staff.id'))
    .addColumn('approved_at', 'text')
    .addColumn('note', 'text')
    .execute();
  // At most one open shift per clerk.
  await db.schema.createIndex('counter_shifts_open').on('counter_shifts').column('staff_id').unique().where(sql.ref('status'), '=', 'open').execute();
  await db.schema.createIndex('counter_shifts_hall').on('counter_shifts').columns(['hall_id', 'status']).execute();

  await db.schema
    .createTable('counter_payments')
    .addColumn('order_id', 'text', (c) => c.primaryKey().references('orders.id'))
    .addColumn('shift_id', 'text', (c) => c.notNull().references('counter_shifts.id'))
    .addColumn('hall_id', 'text', (c) => c.notNull().references('halls.id'))
    .addColumn('counter_id', 'text', (c) => c.notNull().references('hall_counters.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('ticket_id', 'text', (c) => c.references('hall_tickets.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('tendered', 'integer')
    .addColumn('change_due', 'integer')
    .addColumn('pos_reference', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('void_status', 'text')
    .addColumn('void_reason', 'text')
    .addColumn('void_requested_by', 'text', (c) => c.references('staff.id'))
    .addColumn('void_requested_at', 'text')
    .addColumn('voided_by', 'text', (c) => c.references('staff.id'))
    .addColumn('voided_at', 'text')
    .execute();
  await db.schema.createIndex('counter_payments_shift').on('counter_payments').column('shift_id').execute();
  await db.schema.createIndex('counter_payments_hall').on('counter_payments').columns(['hall_id', 'created_at']).execute();

  // Identity documents are never stored in full: the type and the last 4 characters.
  await db.schema
    .createTable('id_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('ticket_id', 'text', (c) => c.references('hall_tickets.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('document_type', 'text', (c) => c.notNull())
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('id_checks_order').on('id_checks').column('order_id').execute();

  await db.schema
    .createTable('invoice_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id'))
    .addColumn('hall_id', 'text', (c) => c.references('halls.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('tax_id', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    // `pending` until the operator's e-invoice provider has it.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('provider_reference', 'text')
    .execute();
  await db.schema.createIndex('invoice_requests_order').on('invoice_requests').column('order_id').unique().execute();
  await db.schema.createIndex('invoice_requests_status').on('invoice_requests').columns(['operator_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'invoice_requests',
    'id_checks',
    'counter_payments',
    'counter_shifts',
    'hall_tickets',
    'hall_ticket_sequences',
    'audit_log',
    'staff_login_failures',
    'staff_sessions',
    'staff',
    'hall_counter_services',
    'hall_counters',
    'hall_services',
    'halls',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
