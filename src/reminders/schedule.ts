/**
 * The reminder schedule, as plain functions: which steps an operator sends, on which day
 * each fires for a card, which `validUntil` a step selects on a given day, and the text of
 * a message. No I/O and no clock: the day and the card's dates come in as arguments.
 */
import { addDays, daysBetween, type LocalDate } from '../cards/calendar.js';
import type { LifecyclePolicy } from '../cards/lifecycle.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** `validUntil`: days from the last valid day; `suspension`: days from the first suspended day. */
export type StepAnchor = 'validUntil' | 'suspension';

export interface MessageTemplate {
  /** The SMS, and the email's body. */
  text: string;
  /** The email's subject. */
  subject: string;
}

export interface ReminderStep {
  /** Stable name, part of the reminder's identity: `before-30`, `grace`… */
  code: string;
  anchor: StepAnchor;
  offsetDays: number;
  templates: Record<Locale, MessageTemplate>;
}

export const PLACEHOLDERS = ['operator', 'msisdn', 'validUntil', 'daysLeft', 'plan', 'price', 'link', 'graceEnds', 'suspendOn', 'recycleOn'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const before = (days: number, zh: string, en: string, subjectZh: string, subjectEn: string): ReminderStep => ({
  code: `before-${days}`,
  anchor: 'validUntil',
  offsetDays: -days,
  templates: { 'zh-CN': { text: zh, subject: subjectZh }, en: { text: en, subject: subjectEn } },
});

/** 30, 7 and 1 days before `validUntil`, the first day of grace, and 7 days before suspension. */
export const DEFAULT_SCHEDULE: readonly ReminderStep[] = [
  before(
    30,
    '【{{operator}}】您的号码{{msisdn}}将于{{validUntil}}到期（还有{{daysLeft}}天）。续费{{plan}}仅需{{price}}：{{link}}',
    '{{operator}}: your number {{msisdn}} is valid until {{validUntil}} ({{daysLeft}} days left). Renew {{plan}} for {{price}}: {{link}}',
    '您的号码{{msisdn}}将于{{validUntil}}到期',
    'Your number {{msisdn}} is valid until {{validUntil}}',
  ),
  before(
    7,
    '【{{operator}}】您的号码{{msisdn}}还有{{daysLeft}}天到期（{{validUntil}}），建议现在续费，{{plan}}仅需{{price}}：{{link}}',
    '{{operator}}: your number {{msisdn}} expires in {{daysLeft}} days ({{validUntil}}). Renew now, {{plan}} for {{price}}: {{link}}',
    '还有{{daysLeft}}天：请为号码{{msisdn}}续费',
    '{{daysLeft}} days left: renew your number {{msisdn}}',
  ),
  before(
    1,
    '【{{operator}}】您的号码{{msisdn}}明天（{{validUntil}}）后到期，请尽快续费：{{link}}',
    '{{operator}}: your number {{msisdn}} expires after tomorrow, {{validUntil}}. Renew now: {{link}}',
    '号码{{msisdn}}即将到期',
    'Your number {{msisdn}} is about to expire',
  ),
  {
    code: 'grace',
    anchor: 'validUntil',
    offsetDays: 1,
    templates: {
      'zh-CN': {
        text: '【{{operator}}】您的号码{{msisdn}}已于{{validUntil}}到期，现处于宽限期。请于{{graceEnds}}前续费以免停机：{{link}}',
        subject: '号码{{msisdn}}已到期，处于宽限期',
      },
      en: {
        text: '{{operator}}: your number {{msisdn}} expired on {{validUntil}} and is in its grace period. Renew by {{graceEnds}} to avoid suspension: {{link}}',
        subject: 'Your number {{msisdn}} has expired: renew by {{graceEnds}}',
      },
    },
  },
  {
    code: 'before-suspension',
    anchor: 'suspension',
    offsetDays: -7,
    templates: {
      'zh-CN': {
        text: '【{{operator}}】您的号码{{msisdn}}将于{{suspendOn}}停机，{{recycleOn}}起号码将被回收。立即续费保留号码：{{link}}',
        subject: '号码{{msisdn}}将于{{suspendOn}}停机',
      },
      en: {
        text: '{{operator}}: your number {{msisdn}} will be suspended on {{suspendOn}} and recycled from {{recycleOn}}. Renew now to keep it: {{link}}',
        subject: 'Your number {{msisdn}} will be suspended on {{suspendOn}}',
      },
    },
  },
];

/** The card's milestones: last day of grace, first suspended day, first recycled day. */
export function milestones(validUntil: LocalDate, policy: LifecyclePolicy): { graceEnds: LocalDate; suspendOn: LocalDate; recycleOn: LocalDate } {
  return {
    graceEnds: addDays(validUntil, policy.graceDays),
    suspendOn: addDays(validUntil, policy.graceDays + 1),
    recycleOn: addDays(validUntil, policy.graceDays + policy.suspendDays + 1),
  };
}

/** The day a step fires for a card valid until `validUntil`. */
export function stepDay(step: Pick<ReminderStep, 'anchor' | 'offsetDays'>, validUntil: LocalDate, policy: LifecyclePolicy): LocalDate {
  const anchor = step.anchor === 'validUntil' ? validUntil : milestones(validUntil, policy).suspendOn;
  return addDays(anchor, step.offsetDays);
}

/** The `validUntil` of the cards a step fires for on `day` (the inverse of `stepDay`). */
export function targetValidUntil(step: Pick<ReminderStep, 'anchor' | 'offsetDays'>, day: LocalDate, policy: LifecyclePolicy): LocalDate {
  const shift = step.anchor === 'validUntil' ? 0 : policy.graceDays + 1;
  return addDays(day, -step.offsetDays - shift);
}

/** Where a step falls on a card's timeline: days from `validUntil` to the step's day. */
export function stepPosition(step: Pick<ReminderStep, 'anchor' | 'offsetDays'>, policy: LifecyclePolicy): number {
  return step.anchor === 'validUntil' ? step.offsetDays : policy.graceDays + 1 + step.offsetDays;
}

/**
 * The last position (days from `validUntil`) of the status a card has at `position`:
 * active through 0, grace through `graceDays`, suspended through `graceDays + suspendDays`;
 * undefined once recycled.
 */
function statusEnd(position: number, policy: LifecyclePolicy): number | undefined {
  if (position <= 0) return 0;
  if (position <= policy.graceDays) return policy.graceDays;
  if (position <= policy.graceDays + policy.suspendDays) return policy.graceDays + policy.suspendDays;
  return undefined;
}

/**
 * The positions (days from `validUntil`) on which a step is due: from its own day while the
 * card keeps the status it had that day (expiry still ahead, grace not over…), until the
 * day of the schedule's next step, which supersedes it. A step missed because the card did
 * not exist yet, had another validity, or no sweep ran is so sent late, once, and never
 * after a later step became due: of several missed steps only the latest is sent.
 */
export function dueSpan(step: ReminderStep, schedule: readonly ReminderStep[], policy: LifecyclePolicy): { from: number; to: number } {
  const from = stepPosition(step, policy);
  const later = schedule.map((s) => stepPosition(s, policy)).filter((p) => p > from);
  const end = statusEnd(from, policy) ?? from;
  return { from, to: Math.min(end, later.length > 0 ? Math.min(...later) - 1 : end) };
}

/** The steps whose reminder, once queued for a validity, leaves `step` out: itself and the later ones. */
export function supersedingSteps(step: ReminderStep, schedule: readonly ReminderStep[], policy: LifecyclePolicy): string[] {
  const from = stepPosition(step, policy);
  return schedule.filter((s) => s === step || stepPosition(s, policy) > from).map((s) => s.code);
}

/** The `validUntil` range of the cards a step is due for on `day` (its on-time cards are `latest`'s). */
export function dueValidUntils(
  step: ReminderStep,
  schedule: readonly ReminderStep[],
  day: LocalDate,
  policy: LifecyclePolicy,
): { earliest: LocalDate; latest: LocalDate } {
  const { from, to } = dueSpan(step, schedule, policy);
  return { earliest: addDays(day, -to), latest: addDays(day, -from) };
}

/** A reminder's identity: one message per card, validity and step, ever. */
export function reminderId(cardId: string, validUntil: LocalDate, step: string): string {
  return `rem:${cardId}:${validUntil}:${step}`;
}

export interface MessageValues {
  operator: string;
  msisdn: string;
  validUntil: LocalDate;
  today: LocalDate;
  plan: string;
  price: string;
  link: string;
  policy: LifecyclePolicy;
}

export function placeholderValues(values: MessageValues): Record<Placeholder, string> {
  const { graceEnds, suspendOn, recycleOn } = milestones(values.validUntil, values.policy);
  return {
    operator: values.operator,
    msisdn: values.msisdn,
    validUntil: values.validUntil,
    daysLeft: String(daysBetween(values.today, values.validUntil)),
    plan: values.plan,
    price: values.price,
    link: values.link,
    graceEnds,
    suspendOn,
    recycleOn,
  };
}

/** Replaces each `{{name}}`; templates are checked when saved, so every name is known. */
export function render(template: string, values: Record<Placeholder, string>): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (whole, name: string) => (name in values ? values[name as Placeholder] : whole));
}

/** The placeholders a template uses that are not known, for a clear error when saving. */
export function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(/\{\{\s*([A-Za-z]+)\s*\}\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/** Money for a message: 8800 CNY → "¥88.00", in English "CNY 88.00". */
export function formatPrice(amount: number, currency: string, locale: Locale): string {
  const major = (amount / 100).toFixed(2);
  if (locale === 'zh-CN' && currency === 'CNY') return `¥${major}`;
  return `${currency} ${major}`;
}
