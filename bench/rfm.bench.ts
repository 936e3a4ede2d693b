/**
 * scoreRfm over a generated base of 1,000,000 customers and 10,000,000
 * transactions, against a straightforward baseline measured in the same run:
 * group the transactions into a Map of arrays per customer, then sort the
 * customers once per measure to assign quintile scores (with the same tie
 * rule, so the results can be compared). Targets (issue 2): at least 5 million
 * transactions a second end to end, and at least 3× the baseline.
 *
 *   node --max-old-space-size=16384 --expose-gc --import tsx bench/rfm.bench.ts
 *
 * Set RFM_CUSTOMERS / RFM_TRANSACTIONS to try other sizes.
 */
import { scoreRfm, type RfmColumns, type RfmTransaction } from 'dealer-crm/customer';
import { fmt, table, writeSection } from './lib/harness.js';

const CUSTOMERS = Number(process.env.RFM_CUSTOMERS ?? 1_000_000);
const TRANSACTIONS = Number(process.env.RFM_TRANSACTIONS ?? 10_000_000);
const RUNS = Number(process.env.RFM_RUNS ?? 5);
const DAY_MS = 86_400_000;
const asOf = new Date('2024-07-01T00:00:00+08:00');
const asOfMs = asOf.getTime();

/** A small deterministic generator (mulberry32), so every run scores the same base. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(): { objects: RfmTransaction[]; columns: RfmColumns } {
  const random = rng(20240701);
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `C${String(i).padStart(7, '0')}`);
  const customerIndex = new Int32Array(TRANSACTIONS);
  const atMs = new Float64Array(TRANSACTIONS);
  const revenueMinor = new Float64Array(TRANSACTIONS);
  const grossProfitMinor = new Float64Array(TRANSACTIONS);
  const objects = new Array<RfmTransaction>(TRANSACTIONS);
  for (let i = 0; i < TRANSACTIONS; i++) {
    // Skewed activity: a fifth of the customers make most of the visits, as on a service lane.
    const u = random();
    const k = u < 0.6 ? Math.floor(random() * (CUSTOMERS / 5)) : Math.floor(random() * CUSTOMERS);
    const ms = asOfMs - Math.floor(random() * 3 * 365) * DAY_MS - Math.floor(random() * DAY_MS);
    const revenue = random() < 0.02 ? 5_000_000 + Math.floor(random() * 20_000_000) : 20_000 + Math.floor(random() * 300_000);
    const profit = Math.floor(revenue * (0.1 + random() * 0.4)) - (random() < 0.05 ? revenue : 0);
    customerIndex[i] = k;
    atMs[i] = ms;
    revenueMinor[i] = revenue;
    grossProfitMinor[i] = profit;
    objects[i] = { customerId: ids[k]!, at: new Date(ms), revenueMinor: revenue, grossProfitMinor: profit };
  }
  return { objects, columns: { customerIds: ids, customerIndex, atMs, revenueMinor, grossProfitMinor } };
}

interface BaselineRow {
  customerId: string;
  recencyDays: number;
  frequency: number;
  revenueMinor: number;
  grossProfitMinor: number;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  score: number;
  code: string;
}

/** The straightforward way: a Map of arrays, then one comparator sort per measure. */
function baseline(transactions: readonly RfmTransaction[]): BaselineRow[] {
  const groups = new Map<string, RfmTransaction[]>();
  for (const t of transactions) {
    const list = groups.get(t.customerId);
    if (list === undefined) groups.set(t.customerId, [t]);
    else list.push(t);
  }
  const rows: BaselineRow[] = [];
  for (const [customerId, list] of groups) {
    let last = Number.NEGATIVE_INFINITY;
    let revenue = 0;
    let profit = 0;
    for (const t of list) {
      const ms = (t.at as Date).getTime();
      if (ms > last) last = ms;
      revenue += t.revenueMinor;
      profit += t.grossProfitMinor;
    }
    rows.push({ customerId, recencyDays: Math.floor((asOfMs - last) / DAY_MS), frequency: list.length, revenueMinor: revenue, grossProfitMinor: profit, recencyScore: 0, frequencyScore: 0, monetaryScore: 0, score: 0, code: '' });
  }
  const n = rows.length;
  const assign = (value: (row: BaselineRow) => number, set: (row: BaselineRow, score: number) => void) => {
    const sorted = [...rows].sort((a, b) => value(a) - value(b)); // worst first
    let worse = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && value(sorted[i]!) !== value(sorted[i - 1]!)) worse = i;
      set(sorted[i]!, 1 + Math.floor((5 * worse) / n));
    }
  };
  assign((r) => -r.recencyDays, (r, s) => (r.recencyScore = s));
  assign((r) => r.frequency, (r, s) => (r.frequencyScore = s));
  assign((r) => r.revenueMinor, (r, s) => (r.monetaryScore = s));
  for (const row of rows) {
    row.score = (row.recencyScore + row.frequencyScore + row.monetaryScore) / 3;
    row.code = `${row.recencyScore}${row.frequencyScore}${row.monetaryScore}`;
  }
  return rows;
}

interface Timed {
  readonly name: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median process CPU time per run (all threads, so GC helpers count), less sensitive than wall time to other load on a shared machine. */
  readonly cpuMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times the variants in interleaved rounds (rotating their order each round),
 * so that load from other processes on a shared machine falls on all of them
 * alike; each run starts after a full collection, so it pays only for the
 * garbage it makes itself. The first round is a warm-up.
 */
function interleaved(variants: readonly { name: string; run: () => unknown }[], rounds: number): Timed[] {
  const wall = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let round = 0; round <= rounds; round++) {
    for (let step = 0; step < variants.length; step++) {
      const index = (step + round) % variants.length;
      gc();
      const before = process.cpuUsage();
      const start = performance.now();
      variants[index]!.run();
      const elapsed = performance.now() - start;
      const used = process.cpuUsage(before);
      if (round === 0) continue;
      wall[index]!.push(elapsed);
      cpu[index]!.push((used.user + used.system) / 1000);
    }
  }
  return variants.map((variant, index) => ({
    name: variant.name,
    medianMs: median(wall[index]!),
    minMs: Math.min(...wall[index]!),
    maxMs: Math.max(...wall[index]!),
    cpuMs: median(cpu[index]!),
  }));
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  console.log(`generating ${fmt(CUSTOMERS)} customers, ${fmt(TRANSACTIONS)} transactions…`);
  const { objects, columns } = generate();
  gc();

  // The three must agree on every customer.
  const expected = new Map(baseline(objects).map((row) => [row.customerId, row.code]));
  for (const result of [scoreRfm(objects, { asOf }), scoreRfm(columns, { asOf })]) {
    if (result.rows.length !== expected.size) throw new Error(`row count ${result.rows.length} ≠ baseline ${expected.size}`);
    for (const row of result.rows) {
      if (expected.get(row.customerId) !== row.code) throw new Error(`customer ${row.customerId}: ${row.code} ≠ baseline ${expected.get(row.customerId)}`);
    }
  }

  const [base, fromObjects, fromColumns] = interleaved(
    [
      { name: 'baseline', run: () => baseline(objects) },
      { name: 'scoreRfm (objects)', run: () => scoreRfm(objects, { asOf }) },
      { name: 'scoreRfm (columns)', run: () => scoreRfm(columns, { asOf }) },
    ],
    RUNS,
  ) as [Timed, Timed, Timed];

  const perSecond = (ms: number) => TRANSACTIONS / (ms / 1000);
  const line = (t: Timed) => [
    t.name,
    fmt(t.medianMs),
    `${fmt(t.minMs)}–${fmt(t.maxMs)}`,
    `${fmt(perSecond(t.medianMs) / 1e6, 2)} M/s`,
    `${fmt(base.medianMs / t.medianMs, 2)}×`,
    fmt(t.cpuMs),
    `${fmt(base.cpuMs / t.cpuMs, 2)}×`,
  ];
  const rows = [line(base), line(fromObjects), line(fromColumns)];
  const body = [
    `${fmt(TRANSACTIONS)} transactions of ${fmt(expected.size)} scored customers (of ${fmt(CUSTOMERS)}); median of ${RUNS} interleaved rounds after a warm-up round, each run after a full GC; the codes from both scoreRfm inputs checked equal to the baseline's for every customer.`,
    '',
    table(['variant', 'median wall ms', 'range ms', 'transactions/s (wall)', 'vs baseline (wall)', 'median CPU ms', 'vs baseline (CPU)'], rows),
    '',
    'Baseline: a `Map` of arrays per customer, then one comparator sort of the customers per measure (no input checks).',
    '`scoreRfm` checks every item by hand, interns ids into typed-array accumulators, and takes each breakpoint from one counting pass (recency, frequency) or one typed-array sort (monetary).',
    'Targets: ≥ 5 M transactions/s end to end and ≥ 3× the baseline. CPU time is the whole process (GC helper threads included); on a shared machine it is steadier than wall time.',
  ].join('\n');
  console.log(body);
  writeSection('rfm', 'customer · scoreRfm (1 M customers, 10 M transactions)', body);
}

await main();
