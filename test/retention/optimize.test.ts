import { describe, expect, test } from 'vitest';
import { minimizeQuasiNewton, type QuasiNewtonObjective } from 'dealer-crm/retention';
import { hessianFromGradient, invertPositiveDefinite } from '../../src/retention/optimize.js';

const rosenbrock: QuasiNewtonObjective = (x, g) => {
  const [a, b] = [x[0]!, x[1]!];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

/** Extended Rosenbrock in n dimensions: minimum 0 at (1, …, 1). */
const rosenbrockN: QuasiNewtonObjective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i]!;
    const b = x[i + 1]!;
    f += (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    g[i]! += -2 * (1 - a) - 400 * a * (b - a * a);
    g[i + 1]! += 200 * (b - a * a);
  }
  return f;
};

/** Beale's function: minimum 0 at (3, 0.5). */
const beale: QuasiNewtonObjective = (x, g) => {
  const [a, b] = [x[0]!, x[1]!];
  const t1 = 1.5 - a + a * b;
  const t2 = 2.25 - a + a * b * b;
  const t3 = 2.625 - a + a * b ** 3;
  g[0] = 2 * t1 * (b - 1) + 2 * t2 * (b * b - 1) + 2 * t3 * (b ** 3 - 1);
  g[1] = 2 * t1 * a + 2 * t2 * 2 * a * b + 2 * t3 * 3 * a * b * b;
  return t1 * t1 + t2 * t2 + t3 * t3;
};

describe('minimizeQuasiNewton', () => {
  test('finds the minimum of the Rosenbrock valley from the classic start (-1.2, 1)', () => {
    const result = minimizeQuasiNewton(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  test('finds the minimum of the 10-dimensional Rosenbrock function', () => {
    const result = minimizeQuasiNewton(rosenbrockN, new Array(10).fill(-1), { maxIterations: 2000 });
    expect(result.converged).toBe(true);
    for (const v of result.x) expect(v).toBeCloseTo(1, 5);
  });

  test("finds Beale's minimum at (3, 0.5)", () => {
    const result = minimizeQuasiNewton(beale, [1, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(3, 6);
    expect(result.x[1]).toBeCloseTo(0.5, 6);
  });

  test('solves a quadratic exactly: minimum of (x−3)² + 10(y+2)² is (3, −2)', () => {
    const result = minimizeQuasiNewton(
      (x, g) => {
        g[0] = 2 * (x[0]! - 3);
        g[1] = 20 * (x[1]! + 2);
        return (x[0]! - 3) ** 2 + 10 * (x[1]! + 2) ** 2;
      },
      [0, 0],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(3, 8);
    expect(result.x[1]).toBeCloseTo(-2, 8);
  });

  test('steps back from points where the objective is undefined', () => {
    // f(x) = x − ln x, defined for x > 0, minimum at 1; the first step overshoots into x ≤ 0.
    const result = minimizeQuasiNewton(
      (x, g) => {
        g[0] = 1 - 1 / x[0]!;
        return x[0]! > 0 ? x[0]! - Math.log(x[0]!) : NaN;
      },
      [0.05],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
  });

  test('says so when it runs out of iterations', () => {
    const result = minimizeQuasiNewton(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(result.converged).toBe(false);
    expect(result.reason).toMatch(/after 3 iterations/);
  });

  test('says so when the objective is not finite at the start', () => {
    const result = minimizeQuasiNewton((_x, g) => {
      g[0] = 0;
      return Infinity;
    }, [0]);
    expect(result.converged).toBe(false);
    expect(result.reason).toMatch(/not finite at the starting point/);
  });

  test('says so when the function is unbounded below', () => {
    const result = minimizeQuasiNewton(
      (x, g) => {
        g[0] = -1;
        return -x[0]!;
      },
      [0],
      { maxIterations: 50 },
    );
    expect(result.converged).toBe(false);
  });
});

describe('hessianFromGradient and invertPositiveDefinite', () => {
  test('recover the Hessian of the Rosenbrock function at (1, 1): [[802, −400], [−400, 200]]', () => {
    const h = hessianFromGradient(rosenbrock, [1, 1]);
    expect(h[0]![0]).toBeCloseTo(802, 4);
    expect(h[0]![1]).toBeCloseTo(-400, 4);
    expect(h[1]![1]).toBeCloseTo(200, 4);
    // Inverse of [[802, −400], [−400, 200]]: determinant 802·200 − 400² = 400, so [[200, 400], [400, 802]] / 400.
    const inverse = invertPositiveDefinite(h)!;
    expect(inverse[0]![0]).toBeCloseTo(0.5, 6);
    expect(inverse[0]![1]).toBeCloseTo(1, 6);
    expect(inverse[1]![1]).toBeCloseTo(2.005, 6);
  });

  test('refuse a matrix that is not positive definite', () => {
    expect(invertPositiveDefinite([[1, 2], [2, 1]])).toBeUndefined();
  });
});
