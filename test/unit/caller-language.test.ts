/** The caller's language from Accept-Language and from the terminal's locale, and the catalogue that speaks it. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { acceptedLanguage, callerLanguage } from '../../src/http/language.js';
import { catalogueMessage, DomainError, type ErrorCode, errorCatalogue, LANGUAGES, type Text } from '../../src/shared/errors.js';
import { terminalLanguage } from '../../src/shared/terminal-language.js';

describe('callerLanguage', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.4', 'en'],
    ['zh;q=0.3, en;q=0.7', 'en'],
    ['en;q=0, zh', 'zh-CN'],
    ['de, ja', 'zh-CN'],
    ['EN-us', 'en'],
    ['en;q=abc, zh;q=0.1', 'zh-CN'],
  ])('%j → %s', (header, language) => {
    expect(callerLanguage(header)).toBe(language);
  });

  it('leaves the choice to the caller’s account or operator when the header names no language the API speaks', () => {
    for (const header of [undefined, '', 'de, ja', 'en;q=0', '*']) expect(acceptedLanguage(header), String(header)).toBeUndefined();
    expect(acceptedLanguage(['fr', 'en-GB'])).toBe('en');
  });
});

describe('terminalLanguage', () => {
  it.each([
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    [{ LANG: 'en_US.UTF-8' }, 'en'],
    [{ LANG: 'C.UTF-8' }, 'en'],
    [{}, 'en'],
    [{ LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [{ LC_ALL: '', LC_MESSAGES: 'en_GB.UTF-8', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
  ])('%j → %s', (env, language) => {
    expect(terminalLanguage(env)).toBe(language);
  });
});

describe('the error catalogue', () => {
  it('gives every code a 4xx or 5xx status and a message in each language, the Chinese one in Chinese', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      for (const language of LANGUAGES) expect(entry.message[language].trim(), `${code} ${language}`).not.toBe('');
      expect(entry.message['zh-CN'], code).toMatch(/\p{Script=Han}/u);
      expect(entry.message.en, code).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('fills placeholders from the details, and retryAfter as whole minutes', () => {
    const error = new DomainError('too_many_attempts', undefined, { retryAfter: 61 });
    expect(error.messageIn('zh-CN')).toBe('尝试次数过多，请 2 分钟后再试。');
    expect(error.messageIn('en')).toBe('Too many attempts. Try again in 2 min.');
    expect(catalogueMessage('too_many_attempts', 'en', { retryAfter: 5 })).toBe('Too many attempts. Try again in 1 min.');
  });

  it('takes a thrower’s own message only in every language: tsc refuses a bare string', () => {
    expectTypeOf<ConstructorParameters<typeof DomainError>>().toEqualTypeOf<[code: ErrorCode, message?: Text, details?: Record<string, unknown>]>();
    expectTypeOf<Text>().toEqualTypeOf<{ 'zh-CN': string; en: string }>();
  });

  it('keeps a thrower’s own message in each language, and the English one as the error’s message for logs', () => {
    const error = new DomainError(
      'invalid_request',
      { 'zh-CN': '套餐须给出月数或天数之一。', en: 'A plan has either months or days.' },
      { fields: ['/months'] },
    );
    expect(error.status).toBe(400);
    expect(error.messageIn('zh-CN')).toBe('套餐须给出月数或天数之一。');
    expect(error.message).toBe('A plan has either months or days.');
  });
});
