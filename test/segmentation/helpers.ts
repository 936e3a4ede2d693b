import fc from 'fast-check';

/** `C001`, `C002`, …: ids whose string order is their numeric order. */
export function customerId(index: number): string {
  return `C${String(index).padStart(3, '0')}`;
}

/**
 * Arbitrary rows with unique customer ids and integer values drawn from a
 * small range, so that ties are common.
 */
export function rowsArbitrary<T>(
  value: fc.Arbitrary<T>,
  options: { readonly minLength?: number; readonly maxLength?: number } = {},
): fc.Arbitrary<{ customerId: string; value: T }[]> {
  return fc
    .uniqueArray(fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), value), {
      minLength: options.minLength ?? 0,
      maxLength: options.maxLength ?? 60,
      selector: ([id]) => id,
    })
    .map((rows) => rows.map(([id, v]) => ({ customerId: id, value: v })));
}

/** A Fisher–Yates shuffle driven by fast-check's random source, for input-order properties. */
export function shuffled<T>(items: readonly T[], seeds: readonly number[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seeds[i % Math.max(1, seeds.length)] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
