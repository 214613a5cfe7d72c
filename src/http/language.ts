/**
 * The language an answer speaks, in this order:
 *
 *   1. `Accept-Language` (RFC 9110 §12.5.4): the first of its tags, by weight, that the API
 *      speaks — any `zh` is Chinese, any `en` English;
 *   2. the signed-in subscriber's own choice: the reminder language of the account's own
 *      number's card (`card_contacts.locale`, chosen on "My cards");
 *   3. the default of the operator the request is for (`operators.default_language`): the
 *      account's own card's operator, the staff member's, the admin token's, or the one an
 *      admin route names in its path;
 *   4. Chinese: the operators we serve write to their subscribers in Chinese first.
 *
 * The guards know who is calling and leave a hint on the request; the hint is looked up
 * only when an error is answered without an `Accept-Language`, so a request that
 * succeeds, or says its language, costs no query.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LANGUAGES, type Language } from '../shared/errors.js';

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** Who is calling, as a guard knows it: what steps 2 and 3 above look up. */
export type LanguageHint = { accountId: string } | { operatorId: string } | { operatorCode: string };

/** Steps 2 and 3: each undefined when the caller or the operator chose nothing (accounts/caller-languages.ts). */
export interface LanguagePreferences {
  ofAccount(accountId: string): Promise<Language | undefined>;
  ofOperator(operator: { id: string } | { code: string }): Promise<Language | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guards (see `hintLanguage`); null for an anonymous caller. */
    languageHint: LanguageHint | null;
  }
}

/** The language `Accept-Language` asks for, when it names one the API speaks. */
export function acceptedLanguage(acceptLanguage: string | string[] | undefined): Language | undefined {
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
  return undefined;
}

/** Step 1, else Chinese: for answers given before any guard knows the caller. */
export function callerLanguage(acceptLanguage: string | string[] | undefined): Language {
  return acceptedLanguage(acceptLanguage) ?? DEFAULT_LANGUAGE;
}

/** Every request starts without a hint; the root instance declares it so that every group sees it. */
export function declareLanguageHint(app: FastifyInstance): void {
  app.decorateRequest('languageHint', null);
}

/** What a guard calls once it knows the caller: a later, more precise hint replaces an earlier one. */
export function hintLanguage(request: FastifyRequest, hint: LanguageHint): void {
  request.languageHint = hint;
}

/** The answer's language, by the order at the top of this module. */
export async function answerLanguage(request: FastifyRequest, preferences: LanguagePreferences | undefined): Promise<Language> {
  const asked = acceptedLanguage(request.headers['accept-language']);
  if (asked) return asked;
  const hint = request.languageHint;
  if (!hint || !preferences) return DEFAULT_LANGUAGE;
  try {
    const preferred = 'accountId' in hint ? await preferences.ofAccount(hint.accountId) : await preferences.ofOperator(operatorRef(hint));
    return preferred ?? DEFAULT_LANGUAGE;
  } catch (error) {
    // The error being answered may be the database's own (503 database_unavailable): the
    // answer still goes out, in the default language.
    request.log.warn({ err: error }, 'the caller’s language could not be looked up');
    return DEFAULT_LANGUAGE;
  }
}

function operatorRef(hint: { operatorId: string } | { operatorCode: string }): { id: string } | { code: string } {
  return 'operatorId' in hint ? { id: hint.operatorId } : { code: hint.operatorCode };
}
