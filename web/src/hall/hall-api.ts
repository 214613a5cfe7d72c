/**
 * The service hall's API types for the pages (all from the generated OpenAPI types), and
 * the few ways the pages write a queue: waits in minutes, a service's name in the page's
 * language, amounts typed in yuan.
 */
import type { TFunction } from 'i18next';
import type { paths } from '../api.js';
import type { Lang } from '../i18n.js';

type Json<P extends keyof paths, M extends 'get' | 'post', S extends 200 | 201 = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type KioskHall = Json<'/v1/halls/{hall}', 'get'>;
export type QueueTicket = Json<'/v1/tickets/{token}', 'get'>;
export type Board = Json<'/v1/halls/{hall}/board', 'get'>;
export type Me = Json<'/v1/staff/me', 'get'>;
export type StaffHall = Me['halls'][number];
export type CounterState = Json<'/v1/console/counters/{counter}', 'get'>;
export type ConsoleTicket = NonNullable<CounterState['current']>;
export type CounterCard = Json<'/v1/console/cards/find', 'post'>;
export type CounterQuote = Json<'/v1/console/quotes', 'post'>;
export type CounterRenewal = Json<'/v1/console/renewals', 'post', 201>;
export type Shift = Json<'/v1/console/shifts/{shift}', 'get'>;
export type Invoice = Json<'/v1/console/orders/{order}/invoice', 'post', 201>;
export type HallStats = Json<'/v1/console/halls/{hall}/stats', 'get'>;
export type PriorityKind = Exclude<QueueTicket['priority'], 'none'>;

/** The kinds of priority a customer may ask for at the kiosk, in the order it offers them. */
export const PRIORITY_KINDS: readonly PriorityKind[] = ['elderly', 'disabled', 'appointment'];

/** The `call` event of the board stream (see GET /v1/halls/{hall}/board/events). */
export interface BoardCall {
  number: string;
  counter: string;
  service: string;
  recall: boolean;
}

export function localName(name: { 'zh-CN': string; en: string }, lang: string): string {
  return lang === 'en' ? name.en : name['zh-CN'];
}

/** The estimated wait in words: whole minutes, rounded up; none without an open counter. */
export function waitWords(seconds: number | null, t: TFunction): string {
  if (seconds === null) return t('hall.waitUnknown');
  if (seconds === 0) return t('hall.waitNow');
  return t('hall.wait', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
}

/** "12.50" (yuan, as typed at the till) in cents; undefined unless a plain amount. */
export function yuanToCents(text: string): number | undefined {
  const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function clockTime(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
