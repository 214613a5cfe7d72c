/**
 * Who may act in a hall. Staff act by role: a clerk serves at the counters of their hall, a
 * supervisor also runs that hall (counters, approvals, statistics), an operator admin runs
 * every hall of the operator. An admin bearer token acts for its operator (or any, when
 * unscoped) on the admin routes. Every check here throws a domain error, never an HTTP one.
 */
import type { AdminPrincipal } from '../catalog/catalog-service.js';
import type { StaffRole } from '../db/hall-schema.js';
import { DomainError, type Text } from '../shared/errors.js';

export interface StaffPrincipal {
  id: string;
  operatorId: string;
  hallId: string | null;
  username: string;
  displayName: string;
  role: StaffRole;
  csrfToken: string;
}

export type HallActor = { kind: 'staff'; staff: StaffPrincipal; ip: string } | { kind: 'admin'; principal: AdminPrincipal; ip: string };

export interface HallRef {
  id: string;
  operatorId: string;
}

const forbidden = (message: Text) => new DomainError('forbidden', message);

/** Staff of this hall (any role), or an operator admin of its operator. */
export function assertInHall(staff: StaffPrincipal, hall: HallRef): void {
  if (staff.operatorId !== hall.operatorId) throw forbidden({ 'zh-CN': '这个营业厅属于其他运营商。', en: 'This hall belongs to another operator.' });
  if (staff.role !== 'operator_admin' && staff.hallId !== hall.id) throw forbidden({ 'zh-CN': '您不在这个营业厅工作。', en: 'You work in another hall.' });
}

/** A supervisor of this hall, or an operator admin of its operator. */
export function assertSupervises(staff: StaffPrincipal, hall: HallRef): void {
  assertInHall(staff, hall);
  if (staff.role === 'clerk') throw forbidden({ 'zh-CN': '只有值班主管可以这样做。', en: 'Only a supervisor may do this.' });
}

/** The admin side: an admin token for the operator, or an operator admin of it. */
export function assertAdministers(actor: HallActor, operatorId: string): void {
  if (actor.kind === 'admin') {
    if (actor.principal.operatorId !== null && actor.principal.operatorId !== operatorId)
      throw forbidden({ 'zh-CN': '该管理员令牌仅限用于其他运营商。', en: 'This admin token is limited to another operator.' });
    return;
  }
  if (actor.staff.role !== 'operator_admin' || actor.staff.operatorId !== operatorId)
    throw forbidden({ 'zh-CN': '只有运营商管理员可以这样做。', en: 'Only an operator admin may do this.' });
}

/** The staff member behind a staff-only action (an admin token cannot work a counter). */
export function staffOf(actor: HallActor): StaffPrincipal {
  if (actor.kind !== 'staff') throw forbidden({ 'zh-CN': '请以员工身份登录后再操作。', en: 'Sign in as staff to do this.' });
  return actor.staff;
}
