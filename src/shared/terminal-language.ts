/**
 * The language the CLI tells an operator what went wrong in: the POSIX locale's (LC_ALL,
 * else LC_MESSAGES, else LANG: the first one set), Chinese for any `zh` locale and English
 * for every other, since the CLI's own words (usage, settings) are English.
 */
import type { Language } from './errors.js';

export function terminalLanguage(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  return locale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
