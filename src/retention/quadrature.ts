import { CrmError } from '../core/index.js';

/**
 * A positive integrand given by its logarithm `φ = ln f`, relative to its
 * value at the point where integration starts (so `φ(start) = 0` and the
 * integral cannot overflow or underflow), with the first two derivatives of
 * `φ` to size the panels.
 *
 * @internal
 */
export interface LogIntegrand {
  /** `φ(τ)`. May cache per-node values for the next {@link LogIntegrand.accumulate}. */
  logAt(tau: number): number;
  /** `φ'(τ)`. */
  slope(tau: number): number;
  /** `φ''(τ)`. */
  curvature(tau: number): number;
  /** Called after `logAt(τ)` for each quadrature node with its weighted value `w·e^φ(τ)`. */
  accumulate?(weightedValue: number): void;
}

/** 8-point Gauss–Legendre nodes on [-1, 1]. @internal */
export const GAUSS_LEGENDRE_NODES: readonly number[] = [-0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
/** The weights of {@link GAUSS_LEGENDRE_NODES}. @internal */
export const GAUSS_LEGENDRE_WEIGHTS: readonly number[] = [0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];
/** Largest log-drop of the integrand across one panel, roughly. */
const DROP_PER_PANEL = 2;
/** A panel reaches at most this fraction of the way to the nearest singularity. */
const POLE_FRACTION = 0.5;
const RELATIVE_TOLERANCE = 1e-17;
const MAX_PANELS = 20_000;

/**
 * `∫ e^φ(τ) dτ` from `start` to `end` (either order) for an integrand that
 * is largest at `start` and decreases monotonically towards `end` — the
 * shape of every integral in the retention models once split at its mode.
 * Panels of 8-point Gauss–Legendre are sized by the local scale of `φ`
 * (`2 / (|φ'| + √|φ''|)`) and kept at most halfway to the nearest
 * singularity in `poles`; the walk stops early once what is left is below
 * 1e-17 of the sum. Deterministic and free of cancellation: every term is
 * positive.
 *
 * @throws {@link CrmError} `INTERNAL` if the panel budget runs out (an
 *   integrand that breaks the stated shape).
 * @internal
 */
export function integrateFromPeak(integrand: LogIntegrand, start: number, end: number, poles: readonly number[]): number {
  const direction = end >= start ? 1 : -1;
  let tau = start;
  let sum = 0;
  for (let panel = 0; panel < MAX_PANELS; panel++) {
    const remaining = Math.abs(end - tau);
    if (remaining === 0) return sum;
    if (panel > 0) {
      const bound = Math.exp(integrand.logAt(tau)) * remaining;
      if (bound <= RELATIVE_TOLERANCE * sum) return sum;
    }
    const scale = Math.abs(integrand.slope(tau)) + Math.sqrt(Math.abs(integrand.curvature(tau)));
    let width = scale > 0 ? DROP_PER_PANEL / scale : remaining;
    for (const pole of poles) width = Math.min(width, POLE_FRACTION * Math.abs(tau - pole));
    if (!(width > 0)) width = remaining;
    if (width >= remaining) width = remaining;
    const next = width === remaining ? end : tau + direction * width;
    const half = (next - tau) / 2;
    const middle = (next + tau) / 2;
    const halfWidth = Math.abs(half);
    for (let i = 0; i < GAUSS_LEGENDRE_NODES.length; i++) {
      const node = middle + half * GAUSS_LEGENDRE_NODES[i]!;
      const value = GAUSS_LEGENDRE_WEIGHTS[i]! * halfWidth * Math.exp(integrand.logAt(node));
      sum += value;
      integrand.accumulate?.(value);
    }
    tau = next;
  }
  throw new CrmError('INTERNAL', `numerical integration did not finish within ${MAX_PANELS} panels`, { details: { start, end } });
}
