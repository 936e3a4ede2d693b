/**
 * Segmentation over 1,000,000 customers: the customer pyramid, ABC and RFM
 * segments, each against a straightforward baseline measured in the same run
 * (zod-parse every row, sort the row objects with `localeCompare` ties, look up
 * rules with `Array.find`). Target: the pyramid under one second.
 *
 * Run: node --max-old-space-size=16384 --expose-gc --import tsx bench/segmentation.bench.ts
 */
import os from 'node:os';
import { z } from 'zod';
import { apportion } from 'dealer-crm/core';
import {
  assignPyramid,
  assignRfmSegments,
  classifyAbc,
  defaultAbcPolicy,
  defaultPyramidPolicy,
  defaultRfmSegmentPolicy,
  type RfmSegmentName,
} from 'dealer-crm/segmentation';
import { fmt, measure, table, writeSection, type Timing } from './lib/harness.js';

const N = 1_000_000;
const RUNS = 5;

// A deterministic generator (mulberry32), so every run ranks the same base.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(20240601);
// A closed base over a 12-month window: 40 % of customers bought nothing in the window (profit 0,
// one long tie), 20 % are loss-making (warranty-heavy or discounted work), the rest have a long
// right tail of profit in fen. Revenue: profit plus cost of sales. Ids in scrambled order.
const values = Array.from({ length: N }, (_, i) => {
  const draw = random();
  const profitMinor = draw < 0.4 ? 0 : draw < 0.6 ? -Math.round(Math.exp(8 * random()) * 10) : Math.round(Math.exp(10 * random()) * 100);
  const revenueMinor = draw < 0.4 ? 0 : Math.max(0, profitMinor) * 4 + Math.round(random() * 5_000_000);
  return { customerId: `C${String((i * 7919) % N).padStart(7, '0')}`, profitMinor, revenueMinor };
});
const scores = values.map((value) => ({
  customerId: value.customerId,
  recencyScore: 1 + Math.floor(random() * 5),
  frequencyScore: 1 + Math.floor(random() * 5),
  monetaryScore: 1 + Math.floor(random() * 5),
}));

// ---- Baselines: what a first implementation would do ------------------------------------------

const NaiveValueSchema = z.object({
  customerId: z.string().min(1),
  profitMinor: z.number().int(),
  revenueMinor: z.number().int().nonnegative().optional(),
});

function naiveRank<T extends { customerId: string }>(rows: readonly T[], value: (row: T) => number): T[] {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.customerId)) throw new Error(`duplicate ${row.customerId}`);
    seen.add(row.customerId);
  }
  return [...rows].sort((a, b) => value(b) - value(a) || a.customerId.localeCompare(b.customerId));
}

function naivePyramid(rows: readonly unknown[]) {
  const parsed = z.array(NaiveValueSchema).parse(rows);
  const ranked = naiveRank(parsed, (row) => row.profitMinor);
  const counts = apportion(ranked.length, defaultPyramidPolicy.zones.map((zone) => zone.customerShare));
  const assignments: { customerId: string; segment: string; rank: number; profitMinor: number }[] = [];
  let start = 0;
  defaultPyramidPolicy.zones.forEach((zone, index) => {
    ranked.slice(start, start + counts[index]!).forEach((row, offset) => {
      assignments.push({ customerId: row.customerId, segment: zone.id, rank: start + offset + 1, profitMinor: row.profitMinor });
    });
    start += counts[index]!;
  });
  const zones = defaultPyramidPolicy.zones.map((zone) => {
    const members = assignments.filter((a) => a.segment === zone.id);
    return { id: zone.id, customerCount: members.length, profitMinor: members.reduce((sum, a) => sum + a.profitMinor, 0) };
  });
  return { zones, assignments };
}

function naiveAbc(rows: readonly unknown[]) {
  const parsed = z.array(z.object({ customerId: z.string().min(1), revenueMinor: z.number().int().nonnegative() })).parse(rows);
  const ranked = naiveRank(parsed, (row) => row.revenueMinor);
  const total = ranked.reduce((sum, row) => sum + row.revenueMinor, 0);
  let before = 0;
  return ranked.map((row) => {
    const segment = row.revenueMinor === 0 ? 'C' : before / total < defaultAbcPolicy.aShareOfRevenue ? 'A' : 'B';
    before += row.revenueMinor;
    return { customerId: row.customerId, segment };
  });
}

const Score = z.number().int().min(1).max(5);
const NaiveScoreSchema = z.object({ customerId: z.string().min(1), recencyScore: Score, frequencyScore: Score, monetaryScore: Score });

function naiveRfm(rows: readonly unknown[]) {
  return rows.map((row) => {
    const parsed = NaiveScoreSchema.parse(row);
    const fm = Math.round((parsed.frequencyScore + parsed.monetaryScore) / 2);
    const rule = defaultRfmSegmentPolicy.rules.find(
      (r) => parsed.recencyScore >= r.recency.min && parsed.recencyScore <= r.recency.max && fm >= r.fm.min && fm <= r.fm.max,
    )!;
    return { customerId: parsed.customerId, segment: rule.segment as RfmSegmentName };
  });
}

// ---- Measure -----------------------------------------------------------------------------------

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const rows: { name: string; ours: Timing; baseline: Timing }[] = [];
const loadBefore = os.loadavg()[0]!;

collect();
const pyramid = await measure('assignPyramid', () => assignPyramid(values), { runs: RUNS });
collect();
const pyramidBaseline = await measure('naive pyramid', () => naivePyramid(values), { runs: RUNS });
rows.push({ name: 'Customer pyramid (five zones, revenue totals)', ours: pyramid, baseline: pyramidBaseline });

const ours = pyramid.result.zones.map((zone) => zone.customerCount).join('/');
const theirs = pyramidBaseline.result.zones.map((zone) => zone.customerCount).join('/');
if (ours !== theirs) throw new Error(`pyramid zone counts differ: ${ours} vs ${theirs}`);
let disagreements = 0;
pyramid.result.assignments.forEach((a, i) => {
  if (a.segment !== pyramidBaseline.result.assignments[i]!.segment || a.customerId !== pyramidBaseline.result.assignments[i]!.customerId) disagreements++;
});
if (disagreements > 0) throw new Error(`pyramid assignments differ for ${disagreements} customers`);

// CPU time of the pyramid (user + system, this process only): less sensitive than wall time to
// other work on a shared machine, though parallel GC threads count too.
const cpuMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  collect();
  const start = process.cpuUsage();
  assignPyramid(values);
  const used = process.cpuUsage(start);
  cpuMs.push((used.user + used.system) / 1000);
}
cpuMs.sort((a, b) => a - b);
const pyramidCpuMs = cpuMs[Math.floor(RUNS / 2)]!;

const abcValues = values.map((value) => ({ customerId: value.customerId, revenueMinor: value.revenueMinor }));
collect();
const abc = await measure('classifyAbc', () => classifyAbc(abcValues), { runs: RUNS });
collect();
const abcBaseline = await measure('naive ABC', () => naiveAbc(abcValues), { runs: RUNS });
rows.push({ name: 'ABC classes', ours: abc, baseline: abcBaseline });
const abcCounts = abc.result.classes.map((klass) => klass.customerCount).join('/');
const abcNaiveCounts = ['A', 'B', 'C'].map((klass) => abcBaseline.result.filter((row) => row.segment === klass).length).join('/');
if (abcCounts !== abcNaiveCounts) throw new Error(`ABC counts differ: ${abcCounts} vs ${abcNaiveCounts}`);

collect();
const rfm = await measure('assignRfmSegments', () => assignRfmSegments(scores), { runs: RUNS });
collect();
const rfmBaseline = await measure('naive RFM segments', () => naiveRfm(scores), { runs: RUNS });
rows.push({ name: 'RFM segments', ours: rfm, baseline: rfmBaseline });
rfm.result.assignments.forEach((a, i) => {
  if (a.segment !== rfmBaseline.result[i]!.segment) throw new Error(`RFM segment differs for ${a.customerId}`);
});

const body = [
  `${fmt(N)} customers with ids in scrambled order: 40 % with no purchase in the window (profit 0,`,
  'one long tie), 20 % loss-making, the rest a long tail of profit in fen. Medians of 5 runs after',
  'one warm-up, in milliseconds; both sides are checked to give the same answer. Baselines: zod-parse',
  'every row, sort the row objects with `localeCompare` for ties, per-zone `filter`/`reduce` totals,',
  '`Array.find` over the RFM rules.',
  '',
  table(
    ['operation', 'dealer-crm (ms)', 'min–max', 'baseline (ms)', 'min–max', 'speed-up'],
    rows.map(({ name, ours: o, baseline: b }) => [
      name,
      fmt(o.medianMs),
      `${fmt(o.minMs)}–${fmt(o.maxMs)}`,
      fmt(b.medianMs),
      `${fmt(b.minMs)}–${fmt(b.maxMs)}`,
      `${fmt(b.medianMs / o.medianMs, 1)}×`,
    ]),
  ),
  '',
  `Pyramid zone counts: ${ours} (5 / 10 / 20 / 25 / 40 % of ${fmt(N)}). ABC counts A/B/C: ${abcCounts}.`,
  `Target — pyramid under one second: **${pyramid.medianMs < 1000 ? 'met' : 'not met'}** (${fmt(pyramid.medianMs)} ms median, ${fmt(pyramid.minMs)} ms best run).`,
  `Pyramid CPU time (user + system of this process), median of ${RUNS} runs: ${fmt(pyramidCpuMs)} ms.`,
  `One-minute load average of the ${os.cpus().length}-CPU machine: ${fmt(loadBefore, 1)} at the start, ${fmt(os.loadavg()[0]!, 1)} at the end (other work shares it).`,
].join('\n');

writeSection('segmentation', 'Segmentation: pyramid, ABC and RFM segments over 1,000,000 customers', body);
console.log(body);
