/**
 * Freezes a parsed policy and everything inside it, so a policy object can
 * be shared without being changed.
 *
 * @internal
 */
export function freezePolicy<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freezePolicy(inner);
  }
  return value;
}
