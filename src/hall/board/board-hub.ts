/**
 * The boards of a hall watched from this process share one read of the board per change:
 * one subscription to the hall's changes per hall, whose reads (coalesced while one is
 * running) go to every watching stream. A hall with four TVs and a dozen phones costs one
 * board read per change, not one per screen.
 */
import type { BoardFeed, HallChange } from './board-feed.js';

export const REFRESH_MS = 200;

export interface BoardWatcher<B> {
  board(board: B): void;
  call(call: NonNullable<HallChange['call']>): void;
}

interface Hall<B> {
  watchers: Set<BoardWatcher<B>>;
  unsubscribe: Promise<() => void>;
  /** Watchers still making their first read. */
  joining: number;
  reading: boolean;
  stale: boolean;
  /** When the last read started (ms), and the timer of the next one when it must wait. */
  readAt: number;
  timer: NodeJS.Timeout | undefined;
  /** Changes heard so far: a watcher compares it with its first read's. */
  changes: number;
}

export class BoardHub<B> {
  private readonly halls = new Map<string, Hall<B>>();

  constructor(
    private readonly feed: BoardFeed,
    private readonly read: (hallId: string) => Promise<B>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Starts sending the hall's board to `watcher`: the board as it is now, then after every
   * change. Listening begins before the first read, so no change falls between. Returns
   * the function that stops it; throws (watching nothing) when the first read fails.
   */
  async watch(hallId: string, watcher: BoardWatcher<B>): Promise<() => void> {
    // Counted as joining before any await, so a last watcher leaving meanwhile keeps the hall.
    const hall = this.hall(hallId);
    hall.joining++;
    const heard = hall.changes;
    let first: B;
    try {
      await hall.unsubscribe;
      first = await this.read(hallId);
    } catch (error) {
      hall.joining--;
      await this.leave(hallId, hall, watcher);
      throw error;
    }
    hall.joining--;
    watcher.board(first);
    hall.watchers.add(watcher);
    // A change heard during the first read was sent to the others only: read once more.
    if (hall.changes !== heard) this.refresh(hallId, hall);
    return () => void this.leave(hallId, hall, watcher);
  }

  private hall(hallId: string): Hall<B> {
    let hall = this.halls.get(hallId);
    if (!hall) {
      const created: Hall<B> = {
        watchers: new Set(),
        unsubscribe: Promise.resolve(() => {}),
        joining: 0,
        reading: false,
        stale: false,
        readAt: 0,
        timer: undefined,
        changes: 0,
      };
      created.unsubscribe = this.feed.subscribe(hallId, (change) => {
        created.changes++;
        if (change.call) for (const w of created.watchers) w.call(change.call);
        this.refresh(hallId, created);
      });
      this.halls.set(hallId, created);
      hall = created;
    }
    return hall;
  }

  private async leave(hallId: string, hall: Hall<B>, watcher: BoardWatcher<B>): Promise<void> {
    hall.watchers.delete(watcher);
    if (hall.watchers.size > 0 || hall.joining > 0 || this.halls.get(hallId) !== hall) return;
    this.halls.delete(hallId);
    clearTimeout(hall.timer);
    (await hall.unsubscribe)();
  }

  /** Reads the board and sends it to every watcher, at most every REFRESH_MS; changes meanwhile coalesce into one more read. */
  private refresh(hallId: string, hall: Hall<B>): void {
    if (hall.reading || hall.timer) {
      hall.stale = true;
      return;
    }
    const wait = hall.readAt + REFRESH_MS - Date.now();
    if (wait > 0) {
      hall.timer = setTimeout(() => {
        hall.timer = undefined;
        this.readNow(hallId, hall);
      }, wait);
      return;
    }
    this.readNow(hallId, hall);
  }

  private readNow(hallId: string, hall: Hall<B>): void {
    if (hall.watchers.size === 0 && hall.joining === 0) return;
    hall.reading = true;
    hall.stale = false;
    hall.readAt = Date.now();
    void this.read(hallId)
      .then((board) => {
        for (const w of hall.watchers) w.board(board);
      })
      .catch(this.onError)
      .finally(() => {
        hall.reading = false;
        if (hall.stale) this.refresh(hallId, hall);
      });
  }
}
