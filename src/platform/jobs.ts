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
import type { Services } from '../app.js';

export interface JobLogger {
  warn(obj: object, msg: string): void;
}

export async function runJobsOnce(services: Services): Promise<void> {
  await services.orders.expireOverdue();
  await services.orders.numberPendingReceipts();
  await services.reminders.sweep();
  await services.queue.closePastDays();
  await services.dispatcher.drain();
  await services.probes.prune();
  await services.idempotency.prune();
  await services.signIn.prune();
  await services.staffAuth.prune();
}

export function startJobs(services: Services, logger: JobLogger): { stop(): void } {
  const job = new Cron('* * * * *', { protect: true }, async () => {
    try {
      await runJobsOnce(services);
    } catch (error) {
      logger.warn({ err: error }, 'scheduled jobs failed; will retry next minute');
    }
  });
  return { stop: () => job.stop() };
}
