/** `simkeep config`: the effective settings, where each came from, secrets masked. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { effectiveSettings, effectiveSettingsText } from '../../src/settings-report.js';

const run = promisify(execFile);
const SECRET = 'receipts-secret-0123456789abcdef';
const TOKEN = 'admin-token-0123456789abcdef';

const byName = (rows: ReturnType<typeof effectiveSettings>) => new Map(rows.map((r) => [r.name, r]));

describe('the effective settings', () => {
  it('say where each value came from and never show a secret or a database password', () => {
    const rows = byName(
      effectiveSettings({ PORT: '8080', SIMKEEP_SECRET: SECRET, SIMKEEP_ADMIN_TOKEN: TOKEN, DATABASE_URL: 'postgres://simkeep:pa55word@db/simkeep', HOST: '' }),
    );
    expect(rows.get('PORT')).toMatchObject({ value: 8080, source: 'environment', secret: false });
    expect(rows.get('HOST')).toMatchObject({ value: '0.0.0.0', source: 'default' });
    expect(rows.get('SIMKEEP_PUBLIC_URL')).toMatchObject({ value: 'http://localhost:8080', source: 'default' });
    expect(rows.get('SIMKEEP_SECRET')).toMatchObject({ value: 're****', source: 'environment', secret: true });
    expect(rows.get('SIMKEEP_ADMIN_TOKEN')).toMatchObject({ value: 'ad****', secret: true });
    expect(rows.get('SIMKEEP_SANDBOX_SECRET')).toMatchObject({ value: null, source: 'default', secret: true });
    expect(rows.get('DATABASE_URL')).toMatchObject({ value: 'postgres://simkeep:***@db/simkeep', source: 'environment' });
    const text = effectiveSettingsText([...rows.values()]);
    for (const hidden of [SECRET, TOKEN, 'pa55word']) expect(text).not.toContain(hidden);
    expect(text).toMatch(/^SIMKEEP_SANDBOX_SECRET +\(unset: derived from SIMKEEP_SECRET\) +default$/m);
    expect(text).toMatch(/^PORT +8080 +environment$/m);
  });

  it('are listed by `simkeep config`, as text and as JSON, and a bad value is explained', async () => {
    const env = { ...process.env, SIMKEEP_SECRET: SECRET, SIMKEEP_ORDER_TTL_MINUTES: '45', LOG_LEVEL: 'warn' };
    const json = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'config', '--json'], { env });
    const rows = byName(JSON.parse(json.stdout));
    expect(rows.get('SIMKEEP_ORDER_TTL_MINUTES')).toMatchObject({ value: 45, source: 'environment' });
    expect(rows.get('SIMKEEP_SECRET')).toMatchObject({ value: 're****', secret: true });
    expect(json.stdout).not.toContain(SECRET);

    const bad = run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'config'], { env: { ...env, SIMKEEP_TRUST_PROXY: 'true' } });
    await expect(bad).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('SIMKEEP_TRUST_PROXY=true would believe') });
  }, 60_000); // two cold `tsx` starts of the whole CLI
});
