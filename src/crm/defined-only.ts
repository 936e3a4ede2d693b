/**
 * A copy of an object without its `undefined` properties: how optional
 * inputs become optional fields under `exactOptionalPropertyTypes`.
 * Internal to the facade.
 */
export function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
