/**
 * A small quasi-Newton minimiser: BFGS with a strong-Wolfe line search
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithms 6.1, 3.5 and
 * 3.6). The retention models maximise their likelihoods with it in log
 * parameter space, where it is unconstrained.
 */

/**
 * An objective for {@link minimizeQuasiNewton}: returns `f(x)` and writes the
 * gradient `∇f(x)` into `gradient`. It may return a non-finite value where
 * `f` is undefined; the line search then steps back.
 */
export type QuasiNewtonObjective = (x: readonly number[], gradient: number[]) => number;

/** Options for {@link minimizeQuasiNewton}. */
export interface QuasiNewtonOptions {
  /** Largest number of BFGS iterations; default 500. */
  readonly maxIterations?: number;
  /** Converged when every gradient component is at most this in absolute value; default 1e-8. */
  readonly gradientTolerance?: number;
  /** Largest change of any coordinate in one step (keeps `exp(x)` finite in log space); default 10. */
  readonly maxStep?: number;
}

/** What {@link minimizeQuasiNewton} found, and whether it may be trusted. */
export interface QuasiNewtonResult {
  /** The last point reached (the minimum when `converged`). */
  readonly x: readonly number[];
  /** `f(x)`. */
  readonly value: number;
  /** `∇f(x)`. */
  readonly gradient: readonly number[];
  /** The largest absolute gradient component at `x`. */
  readonly gradientNorm: number;
  /** BFGS iterations taken. */
  readonly iterations: number;
  /** Objective evaluations, line searches included. */
  readonly evaluations: number;
  /**
   * Whether the gradient tolerance was met — or the quasi-Newton step
   * promises a decrease of `f` below what floating point can resolve (a
   * minimum to machine precision; the reason says which).
   */
  readonly converged: boolean;
  /** Why the minimiser stopped, in words. */
  readonly reason: string;
}

const C1 = 1e-4;
const C2 = 0.9;

/**
 * Minimises a smooth function with BFGS and a strong-Wolfe line search.
 * Never throws on numerical trouble: a run that cannot meet the tolerance
 * returns `converged: false` with the reason.
 *
 * @example
 * ```ts
 * const rosenbrock = (x, g) => {
 *   g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2);
 *   g[1] = 200 * (x[1] - x[0] ** 2);
 *   return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2;
 * };
 * minimizeQuasiNewton(rosenbrock, [-1.2, 1]).x; // ≈ [1, 1]
 * ```
 */
export function minimizeQuasiNewton(
  objective: QuasiNewtonObjective,
  start: readonly number[],
  options: QuasiNewtonOptions = {},
): QuasiNewtonResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-8;
  const maxStep = options.maxStep ?? 10;
  let evaluations = 0;
  const evaluate = (x: readonly number[], g: number[]): number => {
    evaluations++;
    const value = objective(x, g);
    return Number.isFinite(value) && g.every(Number.isFinite) ? value : Infinity;
  };

  let x = [...start];
  let g = new Array<number>(n).fill(0);
  let f = evaluate(x, g);
  const finish = (iterations: number, converged: boolean, reason: string): QuasiNewtonResult => ({
    x,
    value: f,
    gradient: g,
    gradientNorm: infinityNorm(g),
    iterations,
    evaluations,
    converged,
    reason,
  });
  if (f === Infinity) return finish(0, false, 'the objective or its gradient is not finite at the starting point');

  // Inverse Hessian approximation, row-major.
  let h = identity(n);
  let scaled = false;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (infinityNorm(g) <= tolerance) return finish(iteration, true, 'gradient tolerance met');
    let direction = multiply(h, g).map((v) => -v);
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // The approximation lost positive definiteness: restart along steepest descent.
      h = identity(n);
      direction = g.map((v) => -v);
      slope = dot(direction, g);
    }
    const longest = infinityNorm(direction);
    let initial = 1;
    if (longest * initial > maxStep) initial = maxStep / longest;
    if (iteration === 0 && !scaled) initial = Math.min(initial, 1 / Math.max(1, infinityNorm(g)));

    const search = lineSearch(evaluate, x, f, g, direction, slope, initial);
    if (search === undefined) {
      // When even the full quasi-Newton step promises a decrease below what f can resolve in
      // floating point, the point is a minimum to machine precision.
      if (-slope * initial <= 100 * Number.EPSILON * Math.max(1, Math.abs(f))) {
        return finish(iteration, true, `minimum reached to machine precision (largest gradient component ${infinityNorm(g).toExponential(2)})`);
      }
      return finish(iteration, false, `the line search found no acceptable step (largest gradient component ${infinityNorm(g).toExponential(2)})`);
    }
    const s = direction.map((d) => d * search.step);
    const y = search.gradient.map((v, i) => v - g[i]!);
    x = search.x;
    f = search.value;
    g = search.gradient;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (!scaled) {
        h = identity(n).map((row) => row.map((v) => (v * sy) / dot(y, y)));
        scaled = true;
      }
      h = bfgsUpdate(h, s, y, sy);
    }
  }
  if (infinityNorm(g) <= tolerance) return finish(maxIterations, true, 'gradient tolerance met');
  return finish(maxIterations, false, `stopped after ${maxIterations} iterations with largest gradient component ${infinityNorm(g).toExponential(2)}`);
}

interface LinePoint {
  readonly step: number;
  readonly x: number[];
  readonly value: number;
  readonly gradient: number[];
  readonly slope: number;
}

/** Strong-Wolfe line search (Nocedal & Wright algorithm 3.5 with zoom, algorithm 3.6). */
function lineSearch(
  evaluate: (x: readonly number[], g: number[]) => number,
  x0: readonly number[],
  f0: number,
  g0: readonly number[],
  direction: readonly number[],
  slope0: number,
  initial: number,
): LinePoint | undefined {
  const at = (step: number): LinePoint => {
    const x = x0.map((v, i) => v + step * direction[i]!);
    const gradient = new Array<number>(x.length).fill(0);
    const value = evaluate(x, gradient);
    return { step, x, value, gradient, slope: value === Infinity ? NaN : dot(gradient, direction) };
  };
  let previous: LinePoint = { step: 0, x: [...x0], value: f0, gradient: [...g0], slope: slope0 };
  let step = initial;
  for (let i = 0; i < 60; i++) {
    const current = at(step);
    if (current.value === Infinity) {
      // Outside the domain: shrink towards the last good point.
      step = previous.step + (step - previous.step) / 4;
      continue;
    }
    if (current.value > f0 + C1 * step * slope0 || (i > 0 && current.value >= previous.value)) {
      return zoom(at, f0, slope0, previous, current);
    }
    if (Math.abs(current.slope) <= -C2 * slope0) return current;
    if (current.slope >= 0) return zoom(at, f0, slope0, current, previous);
    previous = current;
    step *= 2;
  }
  return undefined;
}

function zoom(at: (step: number) => LinePoint, f0: number, slope0: number, low: LinePoint, high: LinePoint): LinePoint | undefined {
  let lo = low;
  let hi = high;
  for (let i = 0; i < 60; i++) {
    const width = hi.step - lo.step;
    let step = cubicMinimizer(lo, hi);
    const margin = 0.1 * Math.abs(width);
    const min = Math.min(lo.step, hi.step) + margin;
    const max = Math.max(lo.step, hi.step) - margin;
    if (!(step >= min && step <= max)) step = (lo.step + hi.step) / 2;
    if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(lo.step))) break;
    const current = at(step);
    if (current.value === Infinity || current.value > f0 + C1 * step * slope0 || current.value >= lo.value) {
      hi = current;
      continue;
    }
    if (Math.abs(current.slope) <= -C2 * slope0) return current;
    if (current.slope * (hi.step - lo.step) >= 0) hi = lo;
    lo = current;
  }
  // No point met the curvature condition, but one that decreases f is still progress.
  return lo.step > 0 && lo.value < f0 ? lo : undefined;
}

/** The minimiser of the cubic through two points with values and slopes; NaN if there is none. */
function cubicMinimizer(a: LinePoint, b: LinePoint): number {
  if (!Number.isFinite(b.value) || !Number.isFinite(b.slope)) return NaN;
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.step - b.step);
  const radicand = d1 * d1 - a.slope * b.slope;
  if (radicand < 0) return NaN;
  const d2 = Math.sign(b.step - a.step) * Math.sqrt(radicand);
  return b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
}

function bfgsUpdate(h: number[][], s: readonly number[], y: readonly number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const hy = multiply(h, y);
  const yhy = dot(y, hy);
  const out = identity(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i]![j] = h[i]![j]! - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!;
    }
  }
  return out;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function multiply(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => dot(row, v));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function infinityNorm(v: readonly number[]): number {
  let max = 0;
  for (const value of v) max = Math.max(max, Math.abs(value));
  return max;
}

/**
 * The Hessian at `x` by central differences of an analytic gradient, made
 * exactly symmetric. Used for standard errors at an optimum.
 *
 * @internal
 */
export function hessianFromGradient(objective: QuasiNewtonObjective, x: readonly number[], relativeStep = 1e-5): number[][] {
  const n = x.length;
  const hessian = identity(n).map((row) => row.fill(0));
  const plus = new Array<number>(n).fill(0);
  const minus = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    const step = relativeStep * Math.max(1, Math.abs(x[j]!));
    const up = [...x];
    const down = [...x];
    up[j] = x[j]! + step;
    down[j] = x[j]! - step;
    objective(up, plus);
    objective(down, minus);
    for (let i = 0; i < n; i++) hessian[i]![j] = (plus[i]! - minus[i]!) / (2 * step);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = (hessian[i]![j]! + hessian[j]![i]!) / 2;
      hessian[i]![j] = mean;
      hessian[j]![i] = mean;
    }
  }
  return hessian;
}

/**
 * The inverse of a symmetric positive definite matrix by Cholesky
 * factorisation, or `undefined` when it is not positive definite.
 *
 * @internal
 */
export function invertPositiveDefinite(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const l = identity(n).map((row) => row.fill(0));
  for (let j = 0; j < n; j++) {
    let diagonal = matrix[j]![j]!;
    for (let k = 0; k < j; k++) diagonal -= l[j]![k]! ** 2;
    if (!(diagonal > 0) || !Number.isFinite(diagonal)) return undefined;
    l[j]![j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < n; i++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = sum / l[j]![j]!;
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inverse = identity(n).map((row) => row.fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
      y[i] = sum / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * inverse[k]![c]!;
      inverse[i]![c] = sum / l[i]![i]!;
    }
  }
  return inverse;
}
