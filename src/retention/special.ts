/**
 * Special functions for the retention models. The functions themselves come
 * from stdlib (`@stdlib/math-base-special-*`); this file only adds the small
 * numerically careful combinations the models share.
 *
 * @internal
 */
import betainc from '@stdlib/math-base-special-betainc';
import betaln from '@stdlib/math-base-special-betaln';
import digamma from '@stdlib/math-base-special-digamma';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';

export { betainc, betaln, digamma, gammainc, gammaln, hyp2f1 };

/** `ln(e^u + e^v)` without overflow or underflow; `-Infinity` if both are. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

/** `1 / (1 + e^u)`, the logistic of `-u`, without overflow. */
export function logisticOfNegative(u: number): number {
  if (u > 0) {
    const e = Math.exp(-u);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(u));
}

/**
 * `(1 - e^(k·L)) / k`, continuous at `k = 0` where it is `-L`. Used for
 * `(1 - q^(s-1)) / (s - 1)` with `q = e^L`, which is finite as `s → 1`.
 */
export function oneMinusExpOverRate(k: number, logBase: number): number {
  const u = k * logBase;
  if (Math.abs(u) < 1e-8) return -logBase * (1 + u / 2);
  return -Math.expm1(u) / k;
}

/**
 * `ln P(N = n)` for the negative binomial (gamma–Poisson) count with shape `r`
 * and "success" probability `q`: `Γ(r+n) / (Γ(r) n!) · q^r (1-q)^n`, given
 * `ln q` and `ln(1-q)` so that neither is computed by subtraction.
 */
export function logNegativeBinomial(n: number, r: number, logQ: number, logOneMinusQ: number): number {
  const tail = n === 0 ? 0 : n * logOneMinusQ;
  return gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * logQ + tail;
}

/**
 * `P(N ≥ n)` for the negative binomial count of {@link logNegativeBinomial}:
 * the regularised incomplete beta `I_{1-q}(n, r)`, evaluated as the upper
 * tail of `I_q(r, n)` so that `1 - q` is never formed by subtraction.
 */
export function negativeBinomialTail(n: number, r: number, q: number): number {
  if (n <= 0) return 1;
  return betainc(q, r, n, true, true);
}

/**
 * The two-sided standard normal quantile `z` with `P(|Z| ≤ z) = level`, found
 * by bisection on the normal distribution function written with stdlib's
 * regularised incomplete gamma (`P(|Z| ≤ z) = P(1/2, z²/2)`).
 */
export function twoSidedNormalQuantile(level: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gammainc((mid * mid) / 2, 0.5) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Upper tail `P(X ≥ x)` of the chi-square distribution with `degrees` of freedom. */
export function chiSquareUpperTail(x: number, degrees: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, degrees / 2, true, true);
}
