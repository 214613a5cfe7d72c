/**
 * The scheduled jobs, run every minute in the server process (unless SIMKEEP_JOBS=false)
 * or in `simkeep worker` processes: expire unpaid orders, number receipts a crash left
 * unnumbered, enqueue each operator's reminders for its local day, close the service
 * halls' queues of past days, dispatch due messages, and forget old failed attempts,
 * idempotency keys, and expired sign-in codes and sessions (subscribers' and staff's).
 * A run never overlaps the previous one in a process; across processes the work is shared
 * safely (advisory locks, SKIP LOCKED).
 */
import { Cron } from 'croner';
import type { Services } from '../services.js';

export interface JobLogger {
  warn(obj: object, msg: string): void;
}

/** The steps of a run, in order; each one's failure is its own (see `runJobsOnce`). */
function steps(services: Services): [string, () => Promise<unknown>][] {
  return [
    ['expire unpaid orders', () => services.orders.expireOverdue()],
    ['number pending receipts', () => services.orders.numberPendingReceipts()],
    ['sweep reminders', () => services.reminders.sweep()],
    ['close past days of the halls', () => services.queue.closePastDays()],
    ['dispatch messages', () => services.dispatcher.drain()],
    ['prune failed attempts', () => services.probes.prune()],
    ['prune idempotency keys', () => services.idempotency.prune()],
    ['prune sign-in codes and sessions', () => services.signIn.prune()],
    ['prune staff sessions', () => services.staffAuth.prune()],
  ];
}

export class JobsFailed extends Error {
  constructor(readonly failures: { step: string; error: unknown }[]) {
    super(`scheduled jobs failed: ${failures.map((f) => `${f.step} (${f.error instanceof Error ? f.error.message : String(f.error)})`).join('; ')}`);
    this.name = 'JobsFailed';
  }
}

/**
 * Runs every step once. A step that fails does not keep the others from running (a broken
 * reminder sweep must not stop payments' receipts or the messages already due); the run
 * then throws `JobsFailed` naming each failed step. Each step's run, duration and failure
 * are counted (`simkeep_job_*` in /metrics) and each failure is logged with its error.
 */
export async function runJobsOnce(services: Services, logger?: JobLogger): Promise<void> {
  const failures: { step: string; error: unknown }[] = [];
  for (const [step, run] of steps(services)) {
    const started = performance.now();
    try {
      await run();
      services.metrics.jobStep(step, (performance.now() - started) / 1000, false);
    } catch (error) {
      services.metrics.jobStep(step, (performance.now() - started) / 1000, true);
      logger?.warn({ err: error, step }, `scheduled job failed: ${step}; will retry next minute`);
      failures.push({ step, error });
    }
  }
  if (failures.length > 0) throw new JobsFailed(failures);
}

export function startJobs(services: Services, logger: JobLogger): { stop(): void } {
  const job = new Cron('* * * * *', { protect: true }, async () => {
    // Each failed step was logged by itself.
    await runJobsOnce(services, logger).catch(() => {});
  });
  return { stop: () => job.stop() };
}
