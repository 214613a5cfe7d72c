/**
 * The database schema as Kysely sees it: one set of tables for SQLite and PostgreSQL.
 * Dates are `YYYY-MM-DD` text in the operator's zone; instants are ISO 8601 UTC text;
 * money is integer minor units; booleans are 0/1 integers (SQLite has no boolean).
 */
import type { HallDatabase } from './hall-schema.js';

export interface OperatorTable {
  id: string;
  code: string;
  name: string;
  display_name: string | null;
  brand_color: string | null;
  time_zone: string;
  currency: string;
  grace_days: number;
  suspend_days: number;
  /** What its callers are answered in when they ask for no language (src/http/language.ts). */
  default_language: 'zh-CN' | 'en';
  created_at: string;
  updated_at: string;
}

export interface PlanTable {
  id: string;
  operator_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  months: number | null;
  days: number | null;
  price: number;
  channels: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface PromotionTable {
  id: string;
  operator_id: string;
  code: string | null;
  kind: 'percent' | 'amount' | 'bonus';
  value: number;
  unit: 'months' | 'days' | null;
  plans: string | null;
  channels: string | null;
  starts_on: string | null;
  ends_on: string | null;
  max_redemptions: number | null;
  per_card_limit: number | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface CardTable {
  id: string;
  operator_id: string;
  msisdn: string;
  iccid: string;
  valid_until: string;
  anchor_day: number;
  blocked: number;
  block_reason: string | null;
  /** Set when the number was issued again on a new card after this one was recycled. */
  retired_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CardEventTable {
  id: string;
  card_id: string;
  kind: string;
  detail: string | null;
  actor: string | null;
  at: string;
}

export interface OrderTable {
  id: string;
  operator_id: string;
  card_id: string;
  plan_id: string;
  plan_code: string;
  channel: 'online' | 'counter';
  status: 'pending_payment' | 'fulfilled' | 'expired' | 'cancelled' | 'refund_pending' | 'refunded';
  list_price: number;
  total: number;
  currency: string;
  /** JSON array of the discounts applied, as quoted. */
  discounts: string;
  period_months: number;
  period_days: number;
  bonus_months: number;
  bonus_days: number;
  bonus_promotion_id: string | null;
  coupon_code: string | null;
  payment_provider: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  fulfilled_at: string | null;
  valid_until_before: string | null;
  valid_until_after: string | null;
  anchor_day_before: number | null;
  receipt_number: string | null;
  refund_reason: string | null;
  refunded_at: string | null;
}

export interface PaymentTable {
  id: string;
  order_id: string;
  provider: string;
  status: 'pending' | 'succeeded' | 'failed' | 'mismatch' | 'refunded';
  amount: number;
  currency: string;
  paid_amount: number | null;
  paid_currency: string | null;
  flag: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
}

export interface PaymentEventTable {
  provider: string;
  event_id: string;
  payment_id: string | null;
  type: string;
  raw_body: string;
  signature: string | null;
  received_at: string;
}

export interface PaymentProviderTable {
  operator_id: string;
  provider: string;
  enabled: number;
  /** JSON settings of the provider, secrets included (never answered as they are). */
  settings: string;
  updated_at: string;
}

export interface RedemptionTable {
  promotion_id: string;
  order_id: string;
  card_id: string;
  created_at: string;
}

export interface ReceiptSequenceTable {
  operator_id: string;
  year: number;
  last_value: number;
}

export interface ReceiptTable {
  number: string;
  operator_id: string;
  order_id: string;
  year: number;
  sequence: number;
  issued_at: string;
}

export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

export interface ProbeFailureTable {
  id: string;
  subject: string;
  at: string;
}

export interface AdminTokenTable {
  id: string;
  name: string;
  token_hash: string;
  operator_id: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface NotificationSettingsTable {
  operator_id: string;
  schedule: string | null;
  quiet_start: string;
  quiet_end: string;
  sms_transport: string | null;
  email_transport: string | null;
  updated_at: string;
}

export interface CardContactTable {
  card_id: string;
  channel: 'sms' | 'email';
  email: string | null;
  locale: 'zh-CN' | 'en';
  opted_out: number;
  updated_at: string;
}

export const OUTBOX_STATUSES = ['pending', 'sent', 'dead', 'skipped', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** What an outbox row carries: a reminder, a webhook event, or a message written in full (a code, a queue notice). */
export const OUTBOX_KINDS = ['reminder', 'webhook', 'message'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxTable {
  id: string;
  kind: OutboxKind;
  operator_id: string;
  card_id: string | null;
  valid_until: string | null;
  step: string | null;
  channel: 'sms' | 'email' | 'webhook' | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface DeliveryTable {
  id: string;
  outbox_id: string;
  attempt: number;
  transport: string;
  ok: number;
  detail: string | null;
  duration_ms: number;
  at: string;
}

export interface ReminderSweepTable {
  operator_id: string;
  day: string;
  enqueued: number;
  at: string;
}

export interface WebhookEndpointTable {
  id: string;
  operator_id: string;
  url: string;
  secret: string;
  events: string;
  description: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface AccountTable {
  id: string;
  /** E.164; one account per number. */
  msisdn: string;
  created_at: string;
}

export interface AccountCardTable {
  account_id: string;
  card_id: string;
  added_at: string;
}

export interface SignInCodeTable {
  msisdn: string;
  /** HMAC-SHA256 (hex) of the number and the code under the account key; never the code. */
  code_hash: string;
  expires_at: string;
  wrong_tries: number;
  locked_until: string | null;
  created_at: string;
}

export interface SignInRequestTable {
  id: string;
  msisdn: string;
  ip: string;
  /** The outbox message that carried the code (none when there was no operator to send through). */
  message_id: string | null;
  at: string;
}

export interface AccountSessionTable {
  /** SHA-256 (hex) of the cookie token; never the token. */
  token_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
}

export interface Database extends HallDatabase {
  operators: OperatorTable;
  plans: PlanTable;
  promotions: PromotionTable;
  cards: CardTable;
  card_events: CardEventTable;
  orders: OrderTable;
  payments: PaymentTable;
  payment_events: PaymentEventTable;
  payment_providers: PaymentProviderTable;
  redemptions: RedemptionTable;
  receipt_sequences: ReceiptSequenceTable;
  receipts: ReceiptTable;
  idempotency_keys: IdempotencyKeyTable;
  probe_failures: ProbeFailureTable;
  admin_tokens: AdminTokenTable;
  settings: SettingTable;
  notification_settings: NotificationSettingsTable;
  card_contacts: CardContactTable;
  outbox: OutboxTable;
  deliveries: DeliveryTable;
  reminder_sweeps: ReminderSweepTable;
  webhook_endpoints: WebhookEndpointTable;
  accounts: AccountTable;
  account_cards: AccountCardTable;
  sign_in_codes: SignInCodeTable;
  sign_in_requests: SignInRequestTable;
  account_sessions: AccountSessionTable;
}
