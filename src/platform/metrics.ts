/**
 * What the operator's Prometheus reads at `/metrics`: one prom-client registry per set of
 * services (never prom-client's global one: the tests run many apps in one process), holding
 * two kinds of number.
 *
 * - Events, counted in this process as they happen: requests, queries, job steps, and the
 *   business's orders, payments, renewals and refunds, each counted after its transaction
 *   committed. Counters per process are what Prometheus wants: it sums them over the
 *   instances (`sum(rate(simkeep_renewals_total[5m]))`), and a restart's reset is `rate`'s to
 *   handle.
 * - State, read from the database at each scrape (the outbox's due messages and the age of
 *   the oldest, dead letters, tickets waiting per hall): the truth whichever process did the
 *   work, so every instance reports the same value and the dashboard takes `max` over them.
 *   A counter of the same in-process would miss what the other processes and workers did.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import { waitingByHall } from '../hall/queue/queue-repository.js';
import { deadLettersByOperator, dueBacklog } from '../notify/message-repository.js';
import type { Clock } from '../shared/clock.js';

export type RenewalChannel = 'online' | 'counter';

/**
 * How a payment ended, as counted: a provider's notification settled it (`succeeded`,
 * `failed`, `mismatch` of amount or currency, `not_payable` for money on an order settled
 * otherwise), changed nothing (`pending`, `already_settled`), or repeated one already
 * stored (`duplicate`); a counter payment is `succeeded` when taken.
 */
export type PaymentOutcome = 'succeeded' | 'failed' | 'mismatch' | 'not_payable' | 'pending' | 'already_settled' | 'duplicate';

/** `pending`: money received that must go back (an order that cannot be fulfilled); `refunded`: a refund recorded (by an admin, or a counter void). */
export type RefundOutcome = 'pending' | 'refunded';

/** What the renewal's services count, after their transaction commits. */
export interface BusinessMetrics {
  orderCreated(channel: RenewalChannel, provider: string): void;
  paymentSettled(provider: string, outcome: PaymentOutcome): void;
  renewed(channel: RenewalChannel): void;
  refund(channel: RenewalChannel, outcome: RefundOutcome): void;
}

/** What the minute jobs count: each step's run, its duration and whether it failed. */
export interface JobMetrics {
  jobStep(step: string, seconds: number, failed: boolean): void;
}

/** Request durations are labelled by route pattern; a request no route matched is this, so a scan of random URLs adds one series, not thousands. */
export const UNMATCHED_ROUTE = 'unmatched';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120];

/** Every metric family, registered on `registry`. */
function families(registry: Registry) {
  const registers = [registry];
  const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge<L>({ name, help, labelNames, registers });
  const pool = gauge(
    'simkeep_db_pool_clients',
    'PostgreSQL pool of this process: connections open, of them idle, and requests waiting for one (no samples on SQLite: one connection, no pool)',
    ['state'],
  );
  return {
    requests: histogram(
      'simkeep_http_request_duration_seconds',
      'HTTP requests by method, route pattern (never the raw URL) and status, and how long the server spent on each',
      ['method', 'route', 'status'],
      SECONDS_BUCKETS,
    ),
    queries: histogram(
      'simkeep_db_query_duration_seconds',
      'Database queries by statement (select, insert, update, delete, other) and outcome (ok, error), and their duration',
      ['statement', 'outcome'],
      QUERY_BUCKETS,
    ),
    pool,
    orders: counter('simkeep_orders_created_total', 'Orders created, by channel (online, counter) and payment provider', ['channel', 'provider']),
    payments: counter(
      'simkeep_payments_total',
      'Payments by provider (sandbox, alipay, wechatpay, unionpay; cash and pos at the counter) and outcome (succeeded, failed, mismatch, not_payable, pending, already_settled, duplicate)',
      ['provider', 'outcome'],
    ),
    renewals: counter('simkeep_renewals_total', 'Renewals fulfilled (the card extended), by channel (online, counter)', ['channel']),
    refunds: counter(
      'simkeep_refunds_total',
      'Refunds by channel and outcome: pending (money received for an order that cannot be fulfilled) or refunded (recorded by an admin, or a counter void)',
      ['channel', 'outcome'],
    ),
    jobRuns: counter('simkeep_job_runs_total', 'Runs of each step of the minute jobs, in this process', ['step']),
    jobFailures: counter('simkeep_job_failures_total', 'Failed runs of each step of the minute jobs (each logged with its error)', ['step']),
    jobDuration: histogram('simkeep_job_duration_seconds', 'How long each step of the minute jobs took', ['step'], JOB_BUCKETS),
    scrapeFailures: counter(
      'simkeep_metrics_database_errors_total',
      'Scrapes whose database readings (outbox, dead letters, waiting tickets) failed; those metrics then have no samples',
      [],
    ),
    // Read from the database at scrape time (see the header), together, by `exposition`.
    due: gauge('simkeep_outbox_due_messages', 'Messages (reminders, webhooks, codes) due to be sent now, of every process', []),
    oldestDueAge: gauge(
      'simkeep_outbox_oldest_due_age_seconds',
      'How long the oldest due message has been due (0 when none is): the dispatcher is behind or stopped while this grows',
      [],
    ),
    deadLetters: gauge(
      'simkeep_outbox_dead_letters',
      'Messages given up after their last attempt, by operator and kind (reminder, webhook, message), until re-sent',
      ['operator', 'kind'],
    ),
    waitingTickets: gauge('simkeep_hall_waiting_tickets', 'Tickets waiting to be called, by operator and service hall', ['operator', 'hall', 'hall_name']),
  };
}

export class Metrics implements BusinessMetrics, JobMetrics {
  readonly registry = new Registry();
  private readonly m: ReturnType<typeof families>;
  private processMetrics = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.m = families(this.registry);
    db.onQuery((q) => this.m.queries.observe({ statement: q.statement, outcome: q.failed ? 'error' : 'ok' }, q.seconds));
  }

  /** Node's own metrics (CPU, memory, event loop lag, open handles): for the server and worker processes, not the tests' many apps. */
  withProcessMetrics(): this {
    if (!this.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.processMetrics = true;
    return this;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The text Prometheus scrapes. The database's gauges are read first, in one pass (a
   * `collect` per gauge would run their queries at once, racing for SQLite's one
   * connection); when the database does not answer, they go without samples and the scrape
   * still answers, with the failure counted.
   */
  async exposition(): Promise<string> {
    const { due, oldestDueAge, deadLetters, waitingTickets, pool } = this.m;
    try {
      await this.readDatabase();
    } catch {
      for (const gauge of [due, oldestDueAge, deadLetters, waitingTickets]) gauge.reset();
      this.m.scrapeFailures.inc();
    }
    const use = this.db.poolUse();
    if (use) for (const state of ['open', 'idle', 'waiting'] as const) pool.set({ state }, use[state]);
    return this.registry.metrics();
  }

  private async readDatabase(): Promise<void> {
    const { due, oldestDueAge, deadLetters, waitingTickets } = this.m;
    const now = this.clock.now();
    const [backlog, dead, halls] = await Promise.all([dueBacklog(this.db.kysely, now), deadLettersByOperator(this.db.kysely), waitingByHall(this.db.kysely)]);
    due.set(backlog.due);
    oldestDueAge.set(backlog.oldestDueAt ? Math.max(0, (now.getTime() - Date.parse(backlog.oldestDueAt)) / 1000) : 0);
    // Reset first: an operator or hall deleted since the last scrape leaves no stale series.
    deadLetters.reset();
    for (const row of dead) deadLetters.set({ operator: row.operator, kind: row.kind }, row.dead);
    waitingTickets.reset();
    for (const row of halls) waitingTickets.set({ operator: row.operator, hall: row.hall_id, hall_name: row.hall_name }, Number(row.waiting));
  }

  request(method: string, route: string | undefined, status: number, seconds: number): void {
    this.m.requests.observe({ method, route: route ?? UNMATCHED_ROUTE, status: String(status) }, seconds);
  }

  orderCreated(channel: RenewalChannel, provider: string): void {
    this.m.orders.inc({ channel, provider });
  }

  paymentSettled(provider: string, outcome: PaymentOutcome): void {
    this.m.payments.inc({ provider, outcome });
  }

  renewed(channel: RenewalChannel): void {
    this.m.renewals.inc({ channel });
  }

  refund(channel: RenewalChannel, outcome: RefundOutcome): void {
    this.m.refunds.inc({ channel, outcome });
  }

  jobStep(step: string, seconds: number, failed: boolean): void {
    this.m.jobRuns.inc({ step });
    if (failed) this.m.jobFailures.inc({ step });
    this.m.jobDuration.observe({ step }, seconds);
  }
}
