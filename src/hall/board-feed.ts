/**
 * Live changes of each hall's queue, for the display boards' event streams. On SQLite (one
 * process) an in-process emitter; on PostgreSQL every process publishes with NOTIFY on one
 * channel and hears every process's changes (its own included) through one dedicated
 * LISTEN connection, opened when the first board subscribes and reopened if it drops, so a
 * call made through one process reaches the boards connected to any other.
 */
import { EventEmitter } from 'node:events';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

export const HALL_CHANNEL = 'simkeep_hall';

/** A change of a hall's queue; `call` when a ticket was called or recalled (the board chimes). */
export interface HallChange {
  hallId: string;
  call?: { number: string; counter: string; service: string; recall: boolean } | undefined;
}

export type ChangeListener = (change: HallChange) => void;

/**
 * PostgreSQL: the expression that announces `change` to every process's boards when the
 * statement or transaction it is part of commits (what `BoardFeed.within` runs on its own).
 */
export function notice(change: HallChange): RawBuilder<unknown> {
  return sql`pg_notify(${HALL_CHANNEL}, ${JSON.stringify(change)})`;
}

export class BoardFeed {
  private readonly emitter = new EventEmitter();
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly db: Db) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * Announces a change made in `trx` to every process's boards once it commits: on
   * PostgreSQL a NOTIFY in the transaction itself (delivered at commit, dropped with a
   * rollback); on SQLite the returned function, which the caller runs after the commit.
   */
  async within(trx: Kysely<Database>, change: HallChange): Promise<() => void> {
    if (this.db.dialect === 'postgres') {
      await sql`select ${notice(change)}`.execute(trx);
      return () => {};
    }
    return () => this.emitter.emit(change.hallId, change);
  }

  /** Announces a change already committed (or made without a transaction of its own). */
  async publish(change: HallChange): Promise<void> {
    (await this.within(this.db.kysely, change))();
  }

  /** Calls `listener` on each change of the hall; returns the unsubscribe function. */
  async subscribe(hallId: string, listener: ChangeListener): Promise<() => void> {
    this.emitter.on(hallId, listener);
    if (this.db.dialect === 'postgres') await this.listen();
    return () => {
      this.emitter.off(hallId, listener);
    };
  }

  /** How many streams watch the hall in this process. */
  watchers(hallId: string): number {
    return this.emitter.listenerCount(hallId);
  }

  private listen(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url });
    const dropped = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => {});
      // Boards still watching: listen again shortly (they refresh on the next change).
      if (!this.closed && this.emitter.eventNames().length > 0) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    };
    client.on('error', dropped);
    client.on('end', dropped);
    client.on('notification', (message) => {
      if (message.channel !== HALL_CHANNEL || !message.payload) return;
      try {
        const change = JSON.parse(message.payload) as HallChange;
        this.emitter.emit(change.hallId, change);
      } catch {
        // Not one of ours: ignore.
      }
    });
    await client.connect();
    await client.query(`LISTEN ${HALL_CHANNEL}`);
    this.listener = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => {});
  }
}
