/**
 * Exact integer arithmetic for points and money. Rates, multipliers and
 * discount fractions are held as integer millionths ("micro"), so that
 * `12345 fen × 0.3` is computed as `12345 × 300000 / 1e6` on integers and
 * rounded once, never through a binary fraction.
 *
 * @internal
 */

/** One whole in millionths. */
export const MICRO = 1_000_000;

/** How a fractional amount becomes a whole number. */
export type RoundingMode = 'floor' | 'half_up' | 'ceil';

/** Whether `value` has at most six decimal places (so it is exact in millionths). */
export function hasAtMostSixDecimals(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const scaled = value * MICRO;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, Math.abs(scaled)) && Number.isSafeInteger(Math.round(scaled));
}

/** `value` in integer millionths; `value` must have at most six decimals. */
export function toMicro(value: number): number {
  return Math.round(value * MICRO);
}

/**
 * `numerator / denominator` rounded by `mode`, exactly, for a non-negative
 * numerator and a positive denominator (numbers or bigints).
 */
export function divideRounded(numerator: number | bigint, denominator: number | bigint, mode: RoundingMode): number {
  if (typeof numerator === 'number' && typeof denominator === 'number' && Number.isSafeInteger(numerator)) {
    let quotient = Math.floor(numerator / denominator);
    // Float division can be off by one near a whole number; correct it on integers.
    if (quotient * denominator > numerator) quotient -= 1;
    else if ((quotient + 1) * denominator <= numerator) quotient += 1;
    const remainder = numerator - quotient * denominator;
    return quotient + roundUp(remainder, denominator, mode);
  }
  const num = BigInt(numerator);
  const den = BigInt(denominator);
  const quotient = num / den;
  const remainder = num - quotient * den;
  const result = quotient + (mode === 'floor' || remainder === 0n ? 0n : mode === 'ceil' ? 1n : remainder * 2n >= den ? 1n : 0n);
  return Number(result);
}

function roundUp(remainder: number, denominator: number, mode: RoundingMode): number {
  if (remainder === 0 || mode === 'floor') return 0;
  if (mode === 'ceil') return 1;
  return remainder * 2 >= denominator ? 1 : 0;
}

/**
 * Accumulates `Σ amount × micro` exactly, switching to bigint only when the
 * sum leaves the safe-integer range.
 */
export class ExactSum {
  private small = 0;
  private big: bigint | undefined;

  add(amount: number, micro: number): void {
    if (this.big === undefined) {
      const product = amount * micro;
      const next = this.small + product;
      if (Number.isSafeInteger(product) && Number.isSafeInteger(next)) {
        this.small = next;
        return;
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(amount) * BigInt(micro);
  }

  /** The sum, as a number when safe, else as a bigint. */
  value(): number | bigint {
    return this.big ?? this.small;
  }
}

/** `amount × micro / 1e6` rounded by `mode`, exactly. */
export function applyMicro(amount: number, micro: number, mode: RoundingMode): number {
  const product = amount * micro;
  if (Number.isSafeInteger(product)) return divideRounded(product, MICRO, mode);
  const sum = new ExactSum();
  sum.add(amount, micro);
  return divideRounded(sum.value(), MICRO, mode);
}
