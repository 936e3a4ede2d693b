/**
 * Brute-force oracles for the buy-till-you-die models: the closed forms of
 * the library are checked against direct numerical integration of the
 * individual-level model over the mixing distributions, by the trapezoid rule
 * in log λ (and logit p or log μ), where the integrands are smooth and decay
 * at both ends so the rule converges exponentially fast.
 */
import betaln from '@stdlib/math-base-special-betaln';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammaln from '@stdlib/math-base-special-gammaln';

/**
 * Two latent variables on log (or logit) scales: `logPrior(u, v)` is the log
 * density of (u, v) under the mixing distributions, `lambda(u)` and
 * `second(v)` map back to λ and p (or μ).
 */
export interface Grid {
  readonly u: readonly [number, number];
  readonly v: readonly [number, number];
  readonly step: number;
  readonly logPrior: (u: number, v: number) => number;
  readonly lambda: (u: number) => number;
  readonly second: (v: number) => number;
}

/** The log density of ln X for X ~ Gamma(shape, rate): rate^shape x^shape e^(−rate x) / Γ(shape). */
function logGammaDensityOnLogScale(shape: number, rate: number): (u: number) => number {
  const constant = shape * Math.log(rate) - gammaln(shape);
  return (u) => constant + shape * u - rate * Math.exp(u);
}

/** Log-scale range covering Gamma(shape, rate) down to a density of e^−40 relative. */
function gammaRange(shape: number, rate: number): [number, number] {
  const center = Math.log(shape / rate);
  return [center - 40 / shape - 5, center + Math.log(60 / shape + 60) + 1];
}

export function bgNbdGrid(p: { r: number; alpha: number; a: number; b: number }, step = 0.1): Grid {
  const lb = betaln(p.a, p.b);
  const prior = logGammaDensityOnLogScale(p.r, p.alpha);
  return {
    u: gammaRange(p.r, p.alpha),
    v: [-40 / p.a - 5, 40 / p.b + 5],
    step,
    // p = logistic(v): the density of v is p^a (1−p)^b / B(a, b).
    logPrior: (u, v) => prior(u) - p.a * Math.log1p(Math.exp(-v)) - p.b * Math.log1p(Math.exp(v)) - lb,
    lambda: Math.exp,
    second: (v) => 1 / (1 + Math.exp(-v)),
  };
}

export function paretoNbdGrid(p: { r: number; alpha: number; s: number; beta: number }, step = 0.1): Grid {
  const purchase = logGammaDensityOnLogScale(p.r, p.alpha);
  const dropout = logGammaDensityOnLogScale(p.s, p.beta);
  return {
    u: gammaRange(p.r, p.alpha),
    v: gammaRange(p.s, p.beta),
    step,
    logPrior: (u, v) => purchase(u) + dropout(v),
    lambda: Math.exp,
    second: Math.exp,
  };
}

/**
 * ∫∫ prior · f by the trapezoid rule with the grid's step, f given by its
 * logarithm. A coarse pass (step 0.5) finds the box where the integrand is
 * within e^−45 of its largest value; the fine pass covers that box.
 */
export function integrate(grid: Grid, logF: (lambda: number, second: number) => number): number {
  const value = (u: number, v: number) => grid.logPrior(u, v) + logF(grid.lambda(u), grid.second(v));
  const coarse = 0.5;
  let max = -Infinity;
  const seen: [number, number, number][] = [];
  for (let u = grid.u[0]; u <= grid.u[1]; u += coarse) {
    for (let v = grid.v[0]; v <= grid.v[1]; v += coarse) {
      const y = value(u, v);
      seen.push([u, v, y]);
      if (y > max) max = y;
    }
  }
  let [u0, u1, v0, v1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [u, v, y] of seen) {
    if (y < max - 45) continue;
    u0 = Math.min(u0, u - 3 * coarse);
    u1 = Math.max(u1, u + 3 * coarse);
    v0 = Math.min(v0, v - 3 * coarse);
    v1 = Math.max(v1, v + 3 * coarse);
  }
  u0 = Math.max(u0, grid.u[0]);
  u1 = Math.min(u1, grid.u[1]);
  v0 = Math.max(v0, grid.v[0]);
  v1 = Math.min(v1, grid.v[1]);
  const h = grid.step;
  let sum = 0;
  for (let u = u0; u <= u1; u += h) for (let v = v0; v <= v1; v += h) sum += Math.exp(value(u, v) - max);
  return Math.exp(max) * sum * h * h;
}

/** Σ_{j<n} e^(−y) y^j / j! complement: P(Poisson(y) ≥ n), as the regularised lower incomplete gamma. */
export function poissonTail(n: number, y: number): number {
  return n === 0 ? 1 : gammainc(y, n);
}

export function logPoisson(n: number, y: number): number {
  return n * Math.log(y) - y - gammaln(n + 1);
}

/**
 * A customer's individual-level model given the visit rate λ and a dropout
 * parameter (BG/NBD: the dropout probability p; Pareto/NBD: the death rate μ).
 */
export interface IndividualModel {
  /** ln L(x, t_x, T | λ, ·). */
  logLikelihood(lambda: number, dropout: number, x: number, tx: number, t: number): number;
  /** ln of the likelihood of x visits over (0, T] and being alive at T. */
  logAlive(lambda: number, dropout: number, x: number, t: number): number;
  /** E[visits over (0, t]] of a customer alive at the start. */
  expectedIfAlive(lambda: number, dropout: number, t: number): number;
  /** P(n visits over (0, t]) of a customer alive at the start. */
  probability(lambda: number, dropout: number, n: number, t: number): number;
}

export const bgNbdIndividual = {
  logLikelihood(lambda: number, p: number, x: number, tx: number, t: number): number {
    const alive = x * Math.log1p(-p) + x * Math.log(lambda) - lambda * t;
    if (x === 0) return alive;
    const dead = Math.log(p) + (x - 1) * Math.log1p(-p) + x * Math.log(lambda) - lambda * tx;
    return Math.max(alive, dead) + Math.log1p(Math.exp(-Math.abs(alive - dead)));
  },
  logAlive(lambda: number, p: number, x: number, t: number): number {
    return x * Math.log1p(-p) + x * Math.log(lambda) - lambda * t;
  },
  expectedIfAlive(lambda: number, p: number, t: number): number {
    return -Math.expm1(-lambda * p * t) / p;
  },
  probability(lambda: number, p: number, n: number, t: number): number {
    const alive = Math.exp(n * Math.log1p(-p) + logPoisson(n, lambda * t));
    return n === 0 ? alive : alive + p * (1 - p) ** (n - 1) * poissonTail(n, lambda * t);
  },
} satisfies IndividualModel;

export const paretoNbdIndividual = {
  logLikelihood(lambda: number, mu: number, x: number, tx: number, t: number): number {
    const alive = x * Math.log(lambda) - (lambda + mu) * t;
    if (tx === t) return alive;
    const dead = x * Math.log(lambda) + Math.log(mu / (lambda + mu)) - (lambda + mu) * tx + Math.log(-Math.expm1(-(lambda + mu) * (t - tx)));
    return Math.max(alive, dead) + Math.log1p(Math.exp(-Math.abs(alive - dead)));
  },
  logAlive(lambda: number, mu: number, x: number, t: number): number {
    return x * Math.log(lambda) - (lambda + mu) * t;
  },
  expectedIfAlive(lambda: number, mu: number, t: number): number {
    return (lambda / mu) * -Math.expm1(-mu * t);
  },
  probability(lambda: number, mu: number, n: number, t: number): number {
    const alive = Math.exp(logPoisson(n, lambda * t) - mu * t);
    // Died at τ < t after n visits: (μ/(λ+μ)) (λ/(λ+μ))^n P(Gamma(n+1) ≤ (λ+μ)t).
    const dead = (mu / (lambda + mu)) * (lambda / (lambda + mu)) ** n * gammainc((lambda + mu) * t, n + 1);
    return alive + dead;
  },
} satisfies IndividualModel;
