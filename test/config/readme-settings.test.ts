/**
 * The settings are declared once (src/settings.ts): the README's Configuration table is
 * generated from that declaration, and every variable the code names is declared in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/settings.js';
import { README_BEGIN, README_END, withSettingsBlock } from '../../src/settings-report.js';

const declared = new Set(Object.values(SETTINGS).map((s) => s.env));
const block = (readme: string) => readme.slice(readme.indexOf(README_BEGIN), readme.indexOf(README_END));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('the settings declaration', () => {
  it("is what the README's Configuration table says", () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(readme).toContain(README_BEGIN);
    expect(block(readme), 'run `npm run docs:settings` and commit README.md').toBe(block(withSettingsBlock(readme)));
  });

  it('keeps the table inside the Configuration section', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration\n'), readme.indexOf('\n## ', readme.indexOf('## Configuration\n') + 1));
    expect(section).toContain(README_BEGIN);
    expect(section).toContain(README_END);
  });

  it('declares every environment variable the server code names, and only config.ts reads the environment', () => {
    const named = new Map<string, string>();
    for (const file of sourceFiles('src')) {
      const text = fs.readFileSync(file, 'utf8');
      for (const [name] of text.matchAll(/\bSIMKEEP_[A-Z0-9_]+\b/g)) named.set(name, file);
      for (const [, name] of text.matchAll(/process\.env\.([A-Za-z_][A-Za-z0-9_]*)/g)) named.set(name ?? '', file);
      for (const match of text.matchAll(/process\.env\s*\[/g)) named.set(`process.env[…] at ${match.index}`, file);
    }
    const undeclared = [...named].filter(([name]) => !declared.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(undeclared).toEqual([]);
    expect(named.size).toBeGreaterThan(10);
  });

  it('gives every setting a one-line description and a group', () => {
    for (const setting of Object.values(SETTINGS)) {
      expect(setting.description, setting.env).toMatch(/^[^\n]+$/);
      expect(setting.group, setting.env).toBeTruthy();
    }
    expect(declared.size).toBe(Object.keys(SETTINGS).length);
  });
});
