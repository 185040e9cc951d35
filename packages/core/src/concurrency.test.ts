import { describe, expect, it } from 'vitest';
import { KeyedQueue, SingleFlight } from './concurrency.js';

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

describe('SingleFlight', () => {
  it('shares one run between concurrent callers of a key, not across keys', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const gate = deferred<void>();
    const task = async () => {
      runs += 1;
      await gate.promise;
      return runs;
    };
    const results = Promise.all([
      flights.run('a', task),
      flights.run('a', task),
      flights.run('b', task),
    ]);
    gate.resolve();
    expect(await results).toEqual([2, 2, 2]);
    expect(runs).toBe(2);
  });

  it('never reuses a failure, and lingers a success unless asked for a fresh run', async () => {
    const flights = new SingleFlight<number>({ lingerMs: 60_000 });
    await expect(flights.run('k', async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(await flights.run('k', async () => 1)).toBe(1);
    expect(await flights.run('k', async () => 2)).toBe(1);
    expect(await flights.run('k', async () => 3, { fresh: true })).toBe(3);
  });

  it('bounds how many results linger', async () => {
    const flights = new SingleFlight<number>({ lingerMs: 60_000, maxLingering: 2 });
    for (const key of ['a', 'b', 'c']) await flights.run(key, async () => 1);
    expect(await flights.run('a', async () => 2)).toBe(2);
  });
});

describe('KeyedQueue', () => {
  it('runs tasks of one key one after another, even after a failure', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const first = deferred<void>();
    const a = queue.run('s', async () => {
      await first.promise;
      order.push('a');
      throw new Error('a failed');
    });
    const b = queue.run('s', async () => order.push('b'));
    const other = queue.run('t', async () => order.push('other'));
    await other;
    first.resolve();
    await expect(a).rejects.toThrow('a failed');
    await b;
    expect(order).toEqual(['other', 'a', 'b']);
  });
});
