/**
 * Freezes a value and everything inside it (plain objects and arrays; `Date`s
 * are left as they are, since freezing one does not stop its setters). Every
 * `define…()` function returns its parsed policy through this, so that a
 * shared default cannot be changed by one caller under another's feet.
 *
 * @returns the same value, now frozen.
 * @example
 * ```ts
 * const policy = deepFreeze({ shares: [0.05, 0.95] });
 * Object.isFrozen(policy.shares); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
