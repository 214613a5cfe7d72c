/**
 * The audit log of the hall: who did what, when, from where. Written in the transaction of
 * the change it records, so an action and its entry commit together.
 */
import type { Kysely } from 'kysely';
import type { AuditLogTable } from '../db/hall-schema.js';
import type { Database } from '../db/schema.js';
import { newId } from '../shared/ids.js';
import type { HallActor } from './hall-access.js';
import { insertAuditEntry } from './staff/staff-repository.js';

export interface AuditEntry {
  operatorId: string;
  hallId: string | null;
  action: string;
  subject?: string | undefined;
  detail?: unknown;
}

export function actorLabel(actor: HallActor | null): { staffId: string | null; label: string } {
  if (!actor) return { staffId: null, label: 'anonymous' };
  return actor.kind === 'staff' ? { staffId: actor.staff.id, label: `staff:${actor.staff.id}` } : { staffId: null, label: `admin:${actor.principal.tokenId}` };
}

/** The audit log's row for an entry. */
export function auditRow(actor: HallActor | null, ip: string, entry: AuditEntry, now: Date): AuditLogTable {
  const { staffId, label } = actorLabel(actor);
  return {
    id: newId('aud'),
    operator_id: entry.operatorId,
    hall_id: entry.hallId,
    staff_id: staffId,
    actor: label,
    action: entry.action,
    subject: entry.subject ?? null,
    detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    ip,
    at: now.toISOString(),
  };
}

export async function audit(trx: Kysely<Database>, actor: HallActor | null, ip: string, entry: AuditEntry, now: Date): Promise<void> {
  await insertAuditEntry(trx, auditRow(actor, ip, entry, now));
}
