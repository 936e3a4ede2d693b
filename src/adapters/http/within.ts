/**
 * Settles with `promise`, or rejects with `onTimeout()` when it takes longer
 * than `timeoutMs` (the timer is cleared either way).
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => unknown): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
