/**
 * Turns claimed reminder rows into messages when they are sent, so the text carries
 * today's price and the subscriber's current preferences. A reminder is dropped when its
 * reason is gone: the card was renewed meanwhile (its `validUntil` moved: cancelled), or
 * it was blocked, recycled or re-issued, or the subscriber opted out (skipped).
 */
import { addDays, type LocalDate, todayIn } from '../cards/calendar.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Plan } from '../catalog/model.js';
import type { Db } from '../db/database.js';
import type { Composer, Composition } from '../notify/dispatcher.js';
import type { NotificationSettingsStore } from '../notify/notification-settings.js';
import type { OutboxRow } from '../notify/outbox.js';
import type { OutgoingMessage } from '../notify/transport.js';
import { maskMsisdn } from '../shared/msisdn.js';
import { reminderCards } from './reminder-repository.js';
import { formatPrice, type Locale, type Placeholder, placeholderValues, render } from './schedule.js';

/** How long the link in a reminder opens the card page. */
export const LINK_DAYS = 14;

export interface LinkSigner {
  url(cardId: string, expiresAt: Date): string;
}

export class ReminderComposer implements Composer {
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly settings: NotificationSettingsStore,
    private readonly links: LinkSigner,
  ) {}

  async compose(rows: OutboxRow[], now: Date): Promise<Map<string, Composition>> {
    const ids = [...new Set(rows.flatMap((r) => (r.card_id ? [r.card_id] : [])))];
    const cards = await reminderCards(this.db.kysely, ids);
    const byId = new Map(cards.map((c) => [c.id, c]));
    const contexts = new Map<string, Promise<OperatorContext | undefined>>();
    const out = new Map<string, Composition>();
    for (const row of rows) {
      const card = row.card_id ? byId.get(row.card_id) : undefined;
      if (!contexts.has(row.operator_id)) contexts.set(row.operator_id, this.context(row.operator_id, now));
      const context = await contexts.get(row.operator_id);
      if (!card || !context || card.retired_at !== null || card.blocked === 1) {
        out.set(row.id, { action: 'drop', status: 'skipped', reason: 'card_not_renewable' });
      } else if (card.valid_until !== row.valid_until) {
        out.set(row.id, { action: 'drop', status: 'cancelled', reason: 'renewed' });
      } else if (card.opted_out === 1) {
        out.set(row.id, { action: 'drop', status: 'skipped', reason: 'opted_out' });
      } else {
        const email = card.channel === 'email' && card.email ? card.email : undefined;
        const message = context.message(row, { id: card.id, msisdn: card.msisdn, validUntil: card.valid_until }, email, card.locale ?? 'zh-CN');
        out.set(row.id, message ? { action: 'send', message, quietHours: true } : { action: 'drop', status: 'skipped', reason: 'step_not_in_schedule' });
      }
    }
    return out;
  }

  /**
   * What every reminder of an operator shares in one batch: its schedule, today's cheapest
   * plan, the link's expiry, and the dates of each (step, validUntil, locale), worked out once.
   */
  private async context(operatorId: string, now: Date): Promise<OperatorContext | undefined> {
    const operator = await this.catalog.operatorById(operatorId);
    if (!operator) return undefined;
    const { schedule } = await this.settings.of(operator.id);
    const cheapest = cheapestPlan(await this.catalog.plansOf(operator.id));
    const today = todayIn(operator.timeZone, now);
    const linkExpires = new Date(`${addDays(today, LINK_DAYS)}T00:00:00Z`);
    const shared = new Map<string, Record<Placeholder, string>>();
    const valuesOf = (validUntil: LocalDate, locale: Locale) => {
      const key = `${validUntil}\n${locale}`;
      let values = shared.get(key);
      if (!values) {
        values = placeholderValues({
          operator: operator.displayName,
          msisdn: '',
          validUntil,
          today,
          plan: cheapest ? (locale === 'en' ? cheapest.name.en : cheapest.name['zh-CN']) : '',
          price: cheapest ? formatPrice(cheapest.price, operator.currency, locale) : '',
          link: '',
          policy: operator,
        });
        shared.set(key, values);
      }
      return values;
    };
    return {
      message: (row, card, email, locale) => {
        const step = schedule.find((s) => s.code === row.step);
        if (!step) return undefined;
        const values = { ...valuesOf(card.validUntil, locale), msisdn: maskMsisdn(card.msisdn), link: this.links.url(card.id, linkExpires) };
        const template = step.templates[locale];
        const text = render(template.text, values);
        if (!email) return { id: row.id, channel: 'sms', to: card.msisdn, text, operator: operator.code };
        return { id: row.id, channel: 'email', to: email, subject: render(template.subject, values), text, operator: operator.code };
      },
    };
  }
}

interface OperatorContext {
  message(row: OutboxRow, card: { id: string; msisdn: string; validUntil: LocalDate }, email: string | undefined, locale: Locale): OutgoingMessage | undefined;
}

/** The cheapest plan sold online: what a reminder offers. */
function cheapestPlan(plans: Plan[]): Plan | undefined {
  return plans.filter((p) => p.active && p.channels.includes('online')).sort((a, b) => a.price - b.price)[0];
}
