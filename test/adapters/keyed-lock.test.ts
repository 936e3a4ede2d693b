import { describe, expect, it } from 'vitest';
import { createKeyedLock } from 'dealer-crm/adapters';

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('createKeyedLock', () => {
  it('runs the calls of one key one at a time, in order', async () => {
    const lock = createKeyedLock();
    let counter = 0;
    const log: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lock.run('k', async () => {
          const seen = counter;
          log.push(`start ${i}`);
          await tick();
          counter = seen + 1;
          log.push(`end ${i}`);
        }),
      ),
    );
    expect(counter).toBe(20);
    expect(log).toEqual(Array.from({ length: 20 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
  });

  it('lets different keys run at the same time and survives a failing call', async () => {
    const lock = createKeyedLock();
    const order: string[] = [];
    let release!: () => void;
    const held = lock.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    await lock.run('b', async () => order.push('b ran while a was held'));
    release();
    await held;
    await expect(lock.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('a', async () => 'after a failure')).toBe('after a failure');
    expect(order).toEqual(['b ran while a was held']);
  });
});
