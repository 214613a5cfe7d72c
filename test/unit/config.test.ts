import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactUrl } from '../../src/config.js';

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
      sandboxEnabled: true,
      trustProxy: false,
    });
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
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'SIMKEEP_SECRET', 'SIMKEEP_ORDER_TTL_MINUTES', 'SIMKEEP_SANDBOX_ENABLED', 'SIMKEEP_DB_POOL_SIZE'])
        expect(problems).toContain(name);
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
