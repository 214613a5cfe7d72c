/**
 * The caller's language, from `Accept-Language` (RFC 9110 §12.5.4): the first of the
 * tags, by weight, that the API speaks — any `zh` is Chinese, any `en` English. Without
 * one, Chinese: the operators we serve write to their subscribers in Chinese first.
 */
import { LANGUAGES, type Language } from '../shared/errors.js';

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

export function callerLanguage(acceptLanguage: string | string[] | undefined): Language {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const found = LANGUAGES.find((language) => tag === language.toLowerCase() || tag.split('-')[0] === language.split('-')[0]);
    if (found) return found;
  }
  return DEFAULT_LANGUAGE;
}
