/**
 * The minute's jobs: a step that fails leaves the steps after it to run, the run names
 * the step that failed, and every step's run, failure and duration is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsFailed, runJobsOnce } from '../../src/platform/jobs.js';
import { DIALECTS } from '../support/databases.js';
import { DEFAULT_NOW, type Harness, newOperator, startHarness } from '../support/harness.js';
import { sampleValue } from '../support/metrics.js';

describe.each(DIALECTS)('scheduled jobs on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect);
    await newOperator(h);
  });
  afterAll(() => h?.close());

  it('runs every step when one fails, then says which one failed', async () => {
    // A time zone no calendar knows (a bad hand edit): the reminder sweep cannot tell the operator's day.
    await h.services.db.kysely.updateTable('operators').set({ time_zone: 'Mars/Olympus_Mons' }).execute();
    const hourAgo = new Date(Date.parse(DEFAULT_NOW) - 3600_000).toISOString();
    await h.services.db.kysely.insertInto('probe_failures').values({ id: 'pf_old', subject: 'ip:192.0.2.1', at: hourAgo }).execute();

    const warnings: string[] = [];
    const run = runJobsOnce(h.services, { warn: (_fields, message) => warnings.push(message) });
    await expect(run).rejects.toBeInstanceOf(JobsFailed);
    const failure = (await run.catch((error: JobsFailed) => error)) as JobsFailed;
    expect(failure.failures.map((f) => f.step)).toEqual(['sweep reminders']);
    expect(warnings).toEqual(['scheduled job failed: sweep reminders; will retry next minute']);
    // A later step ran: the hour-old failed attempt is forgotten.
    expect(await h.services.db.kysely.selectFrom('probe_failures').select('id').where('id', '=', 'pf_old').execute()).toEqual([]);

    // Each step's run is counted, the failed one's failure too, and each one's duration.
    const text = await h.services.metrics.exposition();
    expect(sampleValue(text, 'simkeep_job_runs_total', { step: 'sweep reminders' })).toBe(1);
    expect(sampleValue(text, 'simkeep_job_failures_total', { step: 'sweep reminders' })).toBe(1);
    expect(sampleValue(text, 'simkeep_job_runs_total', { step: 'prune failed attempts' })).toBe(1);
    expect(sampleValue(text, 'simkeep_job_failures_total', { step: 'prune failed attempts' })).toBe(0);
    expect(sampleValue(text, 'simkeep_job_failures_total')).toBe(1);
    expect(sampleValue(text, 'simkeep_job_duration_seconds_count', { step: 'dispatch messages' })).toBe(1);
  });
});
