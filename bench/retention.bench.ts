/**
 * Retention benchmark: BG/NBD fit and prediction on 10 000, 100 000 and
 * 1 000 000 simulated customers, against a straightforward baseline measured
 * in the same run (no grouping of equal histories, numerical gradients, one
 * special-function call per customer and term) at the smaller sizes, and the
 * Python `lifetimes` reference figures given for these machines.
 *
 * Run: node --max-old-space-size=16384 --expose-gc --import tsx bench/retention.bench.ts
 */
import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import { fitBgNbd, minimizeQuasiNewton, predictBgNbd, type BgNbdParameters, type VisitHistory } from 'dealer-crm/retention';
import { Random, simulateBgNbdVisits } from '../test/retention/helpers/random.js';
import { fmt, machine, measure, table, writeSection } from './lib/harness.js';

/** CDNOW's BG/NBD estimates (FHL 2005), converted from weeks to days. */
const TRUTH: BgNbdParameters = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
const CALIBRATION_DAYS = 730;

/**
 * Customers who joined on a uniformly random day of a two-year calibration
 * period, visiting as the BG/NBD model says, summarised by calendar day as
 * `summarizeTransactions` would: visits on one day count once, times are whole days.
 */
function simulate(n: number, seed: number): VisitHistory[] {
  const random = new Random(seed);
  const out: VisitHistory[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const age = Math.floor(random.uniform() * (CALIBRATION_DAYS + 1));
    let lastDay = 0;
    let frequency = 0;
    for (const t of simulateBgNbdVisits(random, TRUTH, age)) {
      const day = Math.floor(t);
      if (day > lastDay) {
        frequency++;
        lastDay = day;
      }
    }
    out[i] = { frequency, recency: frequency === 0 ? 0 : lastDay, age };
  }
  return out;
}

/** The baseline: FHL 2005 eq. (6) per customer with stdlib calls, central-difference gradients, no grouping. */
function naiveFit(histories: readonly VisitHistory[]): { params: BgNbdParameters; iterations: number } {
  const n = histories.length;
  const negativeMeanLogLikelihood = (theta: readonly number[]): number => {
    const [r, alpha, a, b] = theta.map(Math.exp) as [number, number, number, number];
    let ll = 0;
    for (const { frequency: x, recency: tx, age: t } of histories) {
      const common = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
      const a1 = betaln(a, b + x) - betaln(a, b) + common - (r + x) * Math.log(alpha + t);
      if (x === 0) {
        ll += a1;
        continue;
      }
      const a2 = betaln(a + 1, b + x - 1) - betaln(a, b) + common - (r + x) * Math.log(alpha + tx);
      ll += Math.max(a1, a2) + Math.log1p(Math.exp(-Math.abs(a1 - a2)));
    }
    return -ll / n;
  };
  const result = minimizeQuasiNewton(
    (theta, gradient) => {
      for (let i = 0; i < theta.length; i++) {
        const h = 1e-6;
        const up = [...theta];
        const down = [...theta];
        up[i] = theta[i]! + h;
        down[i] = theta[i]! - h;
        gradient[i] = (negativeMeanLogLikelihood(up) - negativeMeanLogLikelihood(down)) / (2 * h);
      }
      return negativeMeanLogLikelihood(theta);
    },
    [0, Math.log(CALIBRATION_DAYS / 4), 0, 0],
    { gradientTolerance: 1e-6 },
  );
  const [r, alpha, a, b] = result.x.map(Math.exp) as [number, number, number, number];
  return { params: { r, alpha, a, b }, iterations: result.iterations };
}

const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;

async function main(): Promise<void> {
  const sizes = [10_000, 100_000, 1_000_000];
  const rows: string[][] = [];
  const baselineRows: string[][] = [];
  const fits: string[] = [];
  for (const n of sizes) {
    const histories = simulate(n, 20240601 + n);
    const runs = n >= 1_000_000 ? 3 : 5;
    const fit = await measure(`fit ${n}`, () => fitBgNbd(histories), { runs, warmup: 1 });
    const predict = await measure(`predict ${n}`, () => predictBgNbd(fit.result, histories, { horizon: 365 }), { runs, warmup: 1 });
    const p = fit.result.params;
    rows.push([
      fmt(n),
      fmt(fit.result.distinctHistories),
      seconds(fit.medianMs),
      fmt(fit.medianMs / (n / 1000), 3),
      seconds(predict.medianMs),
      fmt(predict.medianMs / (n / 1000), 4),
      String(fit.result.iterations),
    ]);
    fits.push(
      `${fmt(n)}: r ${p.r.toFixed(3)} ± ${fit.result.standardErrors!.r.toFixed(3)}, α ${p.alpha.toFixed(2)} ± ${fit.result.standardErrors!.alpha.toFixed(2)}, a ${p.a.toFixed(3)} ± ${fit.result.standardErrors!.a.toFixed(3)}, b ${p.b.toFixed(3)} ± ${fit.result.standardErrors!.b.toFixed(3)} (converged: ${fit.result.converged})`,
    );
    console.log(rows[rows.length - 1]!.join(' | '));
    if (n <= 100_000) {
      const naive = await measure(`naive ${n}`, () => naiveFit(histories), { runs: n >= 100_000 ? 1 : 3, warmup: 0 });
      baselineRows.push([fmt(n), seconds(naive.medianMs), seconds(fit.medianMs), `${fmt(naive.medianMs / fit.medianMs, 0)}×`, naive.result.params.r.toFixed(4), p.r.toFixed(4)]);
      console.log(baselineRows[baselineRows.length - 1]!.join(' | '));
    }
    (globalThis as { gc?: () => void }).gc?.();
  }

  const body = `
BG/NBD on simulated customers (CDNOW parameters in days: r 0.243, α 30.9, a 0.793, b 2.426), each joining on a random day of
a 730-day calibration period and summarised by calendar day. Fit = maximum likelihood with standard errors; predict =
P(alive) and expected visits over the next 365 days for every customer. Medians of 5 runs (3 at 1M), after one warm-up.

${table(['customers', 'distinct (x, t_x, T)', 'fit', 'fit ms / 1k customers', 'predict', 'predict ms / 1k customers', 'iterations'], rows)}

Target: fit 1,000,000 customers in under 4 s, at least three times faster than the Python \`lifetimes\` reference
measured on these machines (given, not re-run here): fit 10,000 in 0.25 s, 100,000 in 2.5 s, 1,000,000 in 13 s; predict
1,000,000 in 0.5 s.

Baseline in the same run — the straightforward implementation: FHL eq. (6) per customer with stdlib \`gammaln\`/\`betaln\`,
no grouping of equal histories, central-difference gradients, the same BFGS:

${table(['customers', 'baseline fit', 'fit', 'speed-up', 'baseline r', 'fit r'], baselineRows)}

Estimates (truth r 0.243, α 30.90, a 0.793, b 2.426). The simulated visits are summarised by calendar day (visits on
one day merged, times in whole days), as a day summary of real transactions would be; at a million customers the standard
errors are small enough to show the shift this rounding gives α (with continuous times the fit recovers α within its
standard error, as the unit tests check):

${fits.map((line) => `- ${line}`).join('\n')}
`;
  writeSection('retention', 'Retention: BG/NBD fit and predict', body);
  console.log(machine());
}

await main();
