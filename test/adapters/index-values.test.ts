import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareIndexScalars } from 'dealer-crm/adapters';

/** The obvious oracle: compare arrays of code points. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('compareCodePoints', () => {
  it('orders by code point where UTF-16 code units disagree', () => {
    // ～ is U+FF5E; 𠮷 is U+20BB7, encoded D842 DFB7: code units put 𠮷 first, code points put it last.
    expect('𠮷' < '～').toBe(true);
    expect(compareCodePoints('～', '𠮷')).toBeLessThan(0);
    expect(['𠮷', '～', 'a', '䶮', 'Z'].sort(compareCodePoints)).toEqual(['Z', 'a', '䶮', '～', '𠮷']);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('', '')).toBe(0);
  });

  it('agrees in sign with a brute-force code-point comparison on any strings', () => {
    const text = fc.string({ unit: 'binary', maxLength: 6 });
    fc.assert(
      fc.property(text, text, (a, b) => Math.sign(compareCodePoints(a, b)) === Math.sign(byCodePoints(a, b))),
      { numRuns: 2000 },
    );
  });
});

describe('compareIndexScalars', () => {
  it('puts null after every value and orders numbers, booleans and strings', () => {
    expect([3, null, -1.5, 0].sort(compareIndexScalars)).toEqual([-1.5, 0, 3, null]);
    expect([true, null, false].sort(compareIndexScalars)).toEqual([false, true, null]);
    expect(compareIndexScalars(null, null)).toBe(0);
    expect(compareIndexScalars('～', '𠮷')).toBeLessThan(0);
  });
});
