/**
 * Freezes a parsed value and everything inside it (Dates excepted, which
 * cannot be frozen usefully), so a shared program cannot be changed by one
 * caller under another's feet.
 *
 * @internal
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
