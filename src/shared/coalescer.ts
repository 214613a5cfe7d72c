/**
 * Coalesces concurrent reads into one query. A key asked for while no batch is running goes
 * at once, alone; keys asked for while one runs wait and go together in the next. A lone
 * request pays no delay, and under load each query carries every request that arrived during
 * the previous one: N round trips become one, and a database answering N point reads in one
 * statement does far less work than answering N statements.
 */
export class Coalescer<K, V> {
  private waiting: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;

  constructor(
    /** Answers each key, in the order given (one value per key). */
    private readonly loadMany: (keys: K[]) => Promise<V[]>,
    private readonly options: { maxBatch: number; maxRunning: number } = { maxBatch: 64, maxRunning: 1 },
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.maxRunning && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.running++;
      this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: typeof this.waiting): Promise<void> {
    try {
      const values = await this.loadMany(batch.map((entry) => entry.key));
      if (values.length !== batch.length) throw new Error(`Coalescer: ${values.length} values for ${batch.length} keys`);
      for (const [i, entry] of batch.entries()) entry.resolve(values[i] as V);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
