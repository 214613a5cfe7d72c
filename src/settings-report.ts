/**
 * The settings as people read them: the README's Configuration table (generated from
 * settings.ts between marker comments, by `npm run docs:settings`) and the effective
 * settings `simkeep config` prints, secrets masked.
 */
import { type LoadOptions, readSettings, type SettingSource } from './config.js';
import { GROUPS, type Setting } from './setting-kinds.js';
import { SETTINGS, type SettingKey } from './settings.js';

const all = () => Object.entries(SETTINGS) as [SettingKey, Setting<unknown>][];

export const README_BEGIN = '<!-- settings:begin: generated from src/settings.ts by `npm run docs:settings`; edit there -->';
export const README_END = '<!-- settings:end -->';

const cell = (markdown: string) => markdown.replaceAll('|', '\\|');

/** The Configuration tables, one per group, in the order of GROUPS. */
export function settingsMarkdown(): string {
  const sections = Object.entries(GROUPS).flatMap(([group, title]) => {
    const rows = all().filter(([, s]) => s.group === group);
    if (rows.length === 0) return [];
    const lines = rows.map(([, s]) => `| \`${s.env}\` | ${cell(s.kind)} | ${cell(s.defaultText)} | ${cell(s.description)} |`);
    return [`**${title}**\n\n| variable | type | default | meaning |\n|---|---|---|---|\n${lines.join('\n')}`];
  });
  return sections.join('\n\n');
}

/** The README with its settings block (markers included) written from the declaration. */
export function withSettingsBlock(readme: string): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no settings block: put ${README_BEGIN} and ${README_END} where the table goes`);
  return `${readme.slice(0, begin)}${README_BEGIN}\n\n${settingsMarkdown()}\n\n${readme.slice(end)}`;
}

export interface EffectiveSetting {
  name: string;
  group: string;
  /** The value as it may be shown: a secret's first 2 characters, a URL without its password; `null` when unset. */
  value: string | number | boolean | string[] | null;
  source: SettingSource;
  secret: boolean;
}

/** Enough of a secret to tell which one it is, not enough to use it. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 2)}****`;
}

/** Every setting's effective value, where it came from, and secrets masked. */
export function effectiveSettings(env: Record<string, string | undefined>, options: LoadOptions = {}): EffectiveSetting[] {
  const { values, sources } = readSettings(env, options);
  return all().map(([key, s]) => {
    const raw = values[key] as EffectiveSetting['value'] | undefined;
    const unset = raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0);
    const value = unset ? null : s.secret ? maskSecret(String(raw)) : s.redact ? (s.redact(raw) as EffectiveSetting['value']) : raw;
    return { name: s.env, group: s.group, value, source: sources[key], secret: s.secret };
  });
}

const plain = (markdown: string) => markdown.replaceAll('`', '');

/** `simkeep config`'s listing: one line per setting, in columns. */
export function effectiveSettingsText(rows: EffectiveSetting[]): string {
  const unset = (name: string) => `(unset: ${plain(all().find(([, s]) => s.env === name)?.[1].defaultText ?? 'none')})`;
  const shown = rows.map((r) => ({ ...r, text: r.value === null ? unset(r.name) : Array.isArray(r.value) ? r.value.join(',') : String(r.value) }));
  const nameWidth = Math.max(...shown.map((r) => r.name.length));
  const valueWidth = Math.min(48, Math.max(...shown.map((r) => r.text.length)));
  const line = (name: string, text: string, source: string) => `${name.padEnd(nameWidth)}  ${text.padEnd(valueWidth)}  ${source}`.trimEnd();
  return [line('variable', 'value', 'source'), ...shown.map((r) => line(r.name, r.text, r.source))].join('\n');
}
