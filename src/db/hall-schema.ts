/**
 * The service hall's tables (migration 0006), as Kysely sees them; part of `Database`.
 * Same conventions as schema.ts: instants are ISO 8601 UTC text, dates `YYYY-MM-DD` in the
 * hall's zone, money integer minor units, booleans 0/1.
 */

export type StaffRole = 'clerk' | 'supervisor' | 'operator_admin';
export type TicketStatus = 'waiting' | 'called' | 'serving' | 'done' | 'no_show' | 'transferred' | 'cancelled';
export type TicketPriority = 'none' | 'elderly' | 'disabled' | 'appointment';
export type TicketSource = 'kiosk' | 'remote' | 'walk_in';
export type ShiftStatus = 'open' | 'pending_approval' | 'closed' | 'approved';

export interface HallTable {
  id: string;
  operator_id: string;
  name: string;
  address: string;
  opening_hours: string;
  time_zone: string;
  max_recalls: number;
  created_at: string;
  updated_at: string;
}

export interface HallServiceTable {
  id: string;
  hall_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  ticket_prefix: string;
  default_service_seconds: number;
  created_at: string;
}

export interface HallCounterTable {
  id: string;
  hall_id: string;
  name: string;
  status: 'open' | 'closed';
  status_changed_at: string;
  created_at: string;
}

export interface HallCounterServiceTable {
  counter_id: string;
  service_id: string;
}

export interface StaffTable {
  id: string;
  operator_id: string;
  hall_id: string | null;
  username: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface StaffSessionTable {
  token_hash: string;
  staff_id: string;
  csrf_token: string;
  ip: string;
  created_at: string;
  expires_at: string;
}

export interface StaffLoginFailureTable {
  id: string;
  username: string;
  ip: string;
  at: string;
}

export interface AuditLogTable {
  id: string;
  operator_id: string;
  hall_id: string | null;
  staff_id: string | null;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
  ip: string;
  at: string;
}

export interface HallTicketSequenceTable {
  service_id: string;
  day: string;
  last_value: number;
}

export interface HallTicketTable {
  id: string;
  token: string;
  hall_id: string;
  service_id: string;
  day: string;
  sequence: number;
  number: string;
  priority: TicketPriority;
  source: TicketSource;
  phone: string | null;
  status: TicketStatus;
  recalls: number;
  counter_id: string | null;
  target_counter_id: string | null;
  clerk_id: string | null;
  near_notified: number;
  issued_at: string;
  queued_at: string;
  called_at: string | null;
  first_called_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface CounterShiftTable {
  id: string;
  hall_id: string;
  counter_id: string;
  staff_id: string;
  status: ShiftStatus;
  float: number;
  counted: number | null;
  expected: number | null;
  difference: number | null;
  opened_at: string;
  closed_at: string | null;
  approved_by: string | null;
  approved_at: string | null;
  note: string | null;
}

export interface CounterPaymentTable {
  order_id: string;
  shift_id: string;
  hall_id: string;
  counter_id: string;
  staff_id: string;
  ticket_id: string | null;
  method: 'cash' | 'pos';
  amount: number;
  tendered: number | null;
  change_due: number | null;
  pos_reference: string | null;
  created_at: string;
  void_status: 'requested' | 'voided' | null;
  void_reason: string | null;
  void_requested_by: string | null;
  void_requested_at: string | null;
  voided_by: string | null;
  voided_at: string | null;
}

export interface IdCheckTable {
  id: string;
  order_id: string;
  ticket_id: string | null;
  staff_id: string;
  document_type: string;
  last4: string;
  at: string;
}

export interface InvoiceRequestTable {
  id: string;
  order_id: string;
  operator_id: string;
  hall_id: string | null;
  title: string;
  tax_id: string | null;
  email: string;
  amount: number;
  currency: string;
  status: 'pending' | 'submitted';
  requested_by: string;
  created_at: string;
  submitted_at: string | null;
  provider_reference: string | null;
}

export interface HallDatabase {
  halls: HallTable;
  hall_services: HallServiceTable;
  hall_counters: HallCounterTable;
  hall_counter_services: HallCounterServiceTable;
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  staff_login_failures: StaffLoginFailureTable;
  audit_log: AuditLogTable;
  hall_ticket_sequences: HallTicketSequenceTable;
  hall_tickets: HallTicketTable;
  counter_shifts: CounterShiftTable;
  counter_payments: CounterPaymentTable;
  id_checks: IdCheckTable;
  invoice_requests: InvoiceRequestTable;
}
