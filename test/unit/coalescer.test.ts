import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/shared/coalescer.js';

/** A loader whose batches the test finishes by hand, recording what each batch asked for. */
function manualLoader() {
  const batches: { keys: number[]; finish: (values?: string[]) => void; fail: (error: Error) => void }[] = [];
  const load = (keys: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ keys, finish: (values) => resolve(values ?? keys.map((k) => `v${k}`)), fail: reject });
    });
  return { batches, load };
}

/** Lets every promise callback that is ready run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('sends a lone key at once, and the keys that arrive meanwhile together in the next batch', async () => {
    const { batches, load } = manualLoader();
    const coalescer = new Coalescer(load);
    const first = coalescer.load(1);
    expect(batches.map((b) => b.keys)).toEqual([[1]]);
    const rest = [2, 3, 4].map((k) => coalescer.load(k));
    expect(batches).toHaveLength(1);
    batches[0]?.finish();
    expect(await first).toBe('v1');
    await settle();
    expect(batches.map((b) => b.keys)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.finish();
    expect(await Promise.all(rest)).toEqual(['v2', 'v3', 'v4']);
  });

  it('answers each caller with the value at its own position', async () => {
    const { batches, load } = manualLoader();
    const coalescer = new Coalescer(load);
    const pending = [5, 6, 7, 8].map((k) => coalescer.load(k));
    batches[0]?.finish();
    await settle();
    batches[1]?.finish(['six', 'seven', 'eight']);
    expect(await Promise.all(pending)).toEqual(['v5', 'six', 'seven', 'eight']);
  });

  it('splits the waiting keys into batches of at most maxBatch, running up to maxRunning at once', async () => {
    const { batches, load } = manualLoader();
    const coalescer = new Coalescer(load, { maxBatch: 2, maxRunning: 2 });
    const pending = [1, 2, 3, 4, 5, 6].map((k) => coalescer.load(k));
    expect(batches.map((b) => b.keys)).toEqual([[1], [2]]);
    batches[0]?.finish();
    await settle();
    expect(batches.map((b) => b.keys)).toEqual([[1], [2], [3, 4]]);
    batches[1]?.finish();
    batches[2]?.finish();
    await settle();
    expect(batches.map((b) => b.keys)).toEqual([[1], [2], [3, 4], [5, 6]]);
    batches[3]?.finish();
    expect(await Promise.all(pending)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
  });

  it('fails every caller of a failed batch, and only those; the next batch runs', async () => {
    const { batches, load } = manualLoader();
    const coalescer = new Coalescer(load);
    const first = coalescer.load(1);
    const second = [coalescer.load(2), coalescer.load(3)];
    batches[0]?.finish();
    await first;
    await settle();
    batches[1]?.fail(new Error('database gone'));
    await expect(Promise.all(second)).rejects.toThrow('database gone');
    const third = coalescer.load(4);
    batches[2]?.finish();
    expect(await third).toBe('v4');
  });

  it('fails the batch when the loader answers a different number of values than keys', async () => {
    const coalescer = new Coalescer(async (keys: number[]) => keys.slice(1));
    await expect(coalescer.load(1)).rejects.toThrow('0 values for 1 keys');
  });
});
