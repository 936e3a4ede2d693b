/**
 * Seeded random draws for simulation tests: a small PRNG (mulberry32) and the
 * distributions the buy-till-you-die models are built from.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform on (0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return u === 0 ? 0.5 / 4294967296 : u;
  }

  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }

  exponential(rate: number): number {
    return -Math.log(this.uniform()) / rate;
  }

  /** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    return x / (x + this.gamma(b, 1));
  }
}

/** A simulated customer: visit history over (0, T] and the future visits after T. */
export interface SimulatedCustomer {
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
  /** Visit times after the first, in (0, ∞) until death (capped at `horizonEnd`). */
  readonly visits: readonly number[];
}

/**
 * BG/NBD customer: λ ~ Gamma(r, α), p ~ Beta(a, b); visits at Poisson(λ)
 * times, dropping out with probability p right after each visit. Returns
 * every visit time up to `until`.
 */
export function simulateBgNbdVisits(random: Random, params: { r: number; alpha: number; a: number; b: number }, until: number): number[] {
  const lambda = random.gamma(params.r, params.alpha);
  const p = random.beta(params.a, params.b);
  const visits: number[] = [];
  let t = 0;
  for (;;) {
    t += random.exponential(lambda);
    if (t > until) return visits;
    visits.push(t);
    if (random.uniform() < p) return visits;
  }
}

/** Pareto/NBD customer: λ ~ Gamma(r, α), μ ~ Gamma(s, β); visits at Poisson(λ) times until an Exp(μ) death. */
export function simulateParetoNbdVisits(random: Random, params: { r: number; alpha: number; s: number; beta: number }, until: number): number[] {
  const lambda = random.gamma(params.r, params.alpha);
  const death = random.exponential(random.gamma(params.s, params.beta));
  const end = Math.min(until, death);
  const visits: number[] = [];
  for (let t = random.exponential(lambda); t <= end; t += random.exponential(lambda)) visits.push(t);
  return visits;
}

/** The (x, t_x, T) of visits observed over (0, age]. */
export function historyOf(visits: readonly number[], age: number): { frequency: number; recency: number; age: number } {
  const seen = visits.filter((t) => t <= age);
  return { frequency: seen.length, recency: seen.length > 0 ? seen[seen.length - 1]! : 0, age };
}

/**
 * The histories of `count` simulated customers, each observed up to an age
 * drawn uniformly from (26, 52) weeks; `simulateVisits(age)` draws one
 * customer's visits (from the same `random`).
 */
export function simulateHistories(random: Random, count: number, simulateVisits: (until: number) => readonly number[]): { frequency: number; recency: number; age: number }[] {
  const histories: { frequency: number; recency: number; age: number }[] = [];
  for (let i = 0; i < count; i++) {
    const age = 26 + 26 * random.uniform();
    histories.push(historyOf(simulateVisits(age), age));
  }
  return histories;
}
