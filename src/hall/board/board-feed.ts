/**
 * Live changes of each hall's queue, for the display boards' event streams. On SQLite (one
 * process) an in-process emitter; on PostgreSQL every process publishes with NOTIFY on one
 * channel and hears every process's changes (its own included) through one dedicated
 * LISTEN connection, opened when the first board subscribes and reopened if it drops, so a
 * call made through one process reaches the boards connected to any other.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Db } from '../../db/database.js';
import { notifyChannel } from '../../db/dialect.js';

export const HALL_CHANNEL = 'simkeep_hall';

/** A change of a hall's queue; `call` when a ticket was called or recalled (the board chimes). */
export interface HallChange {
  hallId: string;
  call?: { number: string; counter: string; service: string; recall: boolean } | undefined;
}

export type ChangeListener = (change: HallChange) => void;

export class BoardFeed {
  private readonly emitter = new EventEmitter();
  private listener: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly db: Db) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * Announces a committed change to every process's boards; call it after the commit. On
   * PostgreSQL it is a NOTIFY of its own: inside a writing transaction, a NOTIFY holds the
   * cluster's notification lock through that commit's WAL flush, so every announcing
   * commit waited for the one before (`bench/notify-commit.ts`: at 30 clients, 1 870
   * transactions/s with it, 2 942 after the commit, 3 606 without). On its own it writes
   * nothing and commits without a flush. It never fails the request whose change it
   * announces: that change is made, and a board that misses this notice shows it with the
   * hall's next change.
   */
  async publish(change: HallChange): Promise<void> {
    if (this.db.dialect !== 'postgres') {
      this.emitter.emit(change.hallId, change);
      return;
    }
    await notifyChannel(this.db.kysely, HALL_CHANNEL, JSON.stringify(change)).catch(() => {});
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
      this.relisten();
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

  /**
   * Boards still watching: listen again shortly (they refresh on the next change), and keep
   * trying each second while the database is away.
   */
  private relisten(): void {
    if (this.closed || this.emitter.eventNames().length === 0) return;
    setTimeout(() => void this.listen().catch(() => this.relisten()), 1000).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => {});
  }
}
