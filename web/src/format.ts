/** Money and dates as a subscriber reads them, in the page's language. */
import type { Lang } from './i18n.js';

export function money(amount: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'currency', currency, currencyDisplay: lang === 'en' ? 'code' : 'symbol' }).format(amount / 100);
}

/** A calendar date (YYYY-MM-DD, the operator's) written out; never shifted by the browser's zone. */
export function date(value: string, lang: Lang): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** A name given in both languages, in the page's. */
export function localName(name: { 'zh-CN': string; en: string }, lang: Lang): string {
  return lang === 'en' ? name.en : name['zh-CN'];
}
