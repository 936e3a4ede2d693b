/**
 * A set of async mutexes by key: `run(key, fn)` runs `fn` once every earlier
 * `run` with the same key has settled. For in-process drivers that must make
 * a read-check-write sequence atomic (the memory adapter locks per tenant).
 * Calls with different keys do not wait for each other.
 */
export interface KeyedLock {
  /** Runs `fn` alone among the calls with `key`, and returns its result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Creates a {@link KeyedLock}. Holding a key while awaiting a `run` of the
 * same key deadlocks, as with any mutex.
 *
 * @example
 * ```ts
 * const lock = createKeyedLock();
 * await lock.run('tenant-1', async () => { const v = read(); await io(); write(v + 1); });
 * ```
 */
export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => done);
      tails.set(key, tail);
      await previous;
      try {
        return await fn();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
