import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readSettings, redactUrl } from '../../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'sqlite://./data/simkeep.db',
      databasePoolSize: 10,
      publicUrl: 'http://localhost:3000',
      orderTtlMinutes: 30,
      lookupLimits: { perMsisdn: 5, perIp: 30, windowMinutes: 15, joinsPerIp: 20 },
      sandboxEnabled: false,
      trustProxy: false,
    });
  });

  it('switches the sandbox provider on for the demo or when set, and lets the setting win over the demo', () => {
    expect(loadConfig({}, { demo: true }).sandboxEnabled).toBe(true);
    expect(loadConfig({ SIMKEEP_SANDBOX_ENABLED: 'true' }).sandboxEnabled).toBe(true);
    expect(loadConfig({ SIMKEEP_SANDBOX_ENABLED: '1' }).sandboxEnabled).toBe(true);
    expect(loadConfig({ SIMKEEP_SANDBOX_ENABLED: 'false' }, { demo: true }).sandboxEnabled).toBe(false);
    // Empty is unset, as `SIMKEEP_SANDBOX_ENABLED= simkeep serve` means.
    expect(loadConfig({ SIMKEEP_SANDBOX_ENABLED: '' }).sandboxEnabled).toBe(false);
    const { sources } = readSettings({ SIMKEEP_SANDBOX_ENABLED: 'false' }, { demo: true });
    expect(sources).toMatchObject({ sandboxEnabled: 'environment', port: 'default' });
    expect(readSettings({}, { demo: true }).sources.sandboxEnabled).toBe('demo');
  });

  it('derives the database file and the public URL from the settings they depend on', () => {
    expect(loadConfig({ SIMKEEP_DATA_DIR: '/var/lib/simkeep/' })).toMatchObject({ databaseUrl: 'sqlite:///var/lib/simkeep/simkeep.db' });
    expect(loadConfig({ PORT: '8080', SIMKEEP_PUBLIC_URL: '' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ SIMKEEP_PUBLIC_URL: 'https://renew.example.com/' }).publicUrl).toBe('https://renew.example.com');
  });

  it('refuses to trust every proxy hop, and says what to write instead', () => {
    expect(() => loadConfig({ SIMKEEP_TRUST_PROXY: 'true' })).toThrow(/SIMKEEP_TRUST_PROXY=true would believe .* write the number of proxies/);
    expect(() => loadConfig({ SIMKEEP_TRUST_PROXY: '11' })).toThrow(/at most 10 proxy hops/);
    expect(() => loadConfig({ SIMKEEP_TRUST_PROXY: '10.0.0.1,proxy.local' })).toThrow(/"proxy.local" is not an address or CIDR range/);
    expect(loadConfig({ SIMKEEP_TRUST_PROXY: ' 1 ' }).trustProxy).toBe(1);
    expect(loadConfig({ SIMKEEP_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });

  it('reports every bad value with what to fix, at once', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SIMKEEP_SECRET: 'short',
        SIMKEEP_ORDER_TTL_MINUTES: '0',
        SIMKEEP_SANDBOX_ENABLED: 'maybe',
        SIMKEEP_DB_POOL_SIZE: '0',
        LOG_LEVEL: 'loud',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'DATABASE_URL',
        'SIMKEEP_SECRET',
        'SIMKEEP_ORDER_TTL_MINUTES',
        'SIMKEEP_SANDBOX_ENABLED',
        'SIMKEEP_DB_POOL_SIZE',
        'LOG_LEVEL',
      ])
        expect(problems).toContain(name);
      expect(problems).toContain('PORT="eighty": expected a whole number from 0 to 65535');
      expect(problems).toContain('SIMKEEP_SECRET: use at least 16 characters');
      expect(problems).not.toContain('short');
    }
  });

  it('accepts absolute and relative SQLite paths and PostgreSQL URLs', () => {
    for (const url of ['sqlite:///var/lib/simkeep/simkeep.db', 'sqlite://./data/x.db', 'postgres://u:p@h:5432/d', 'postgresql://u:p@h/d']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it('never prints a database password', () => {
    expect(redactUrl('postgres://simkeep:s3cret@db:5432/simkeep')).toBe('postgres://simkeep:***@db:5432/simkeep');
  });
});
