/**
 * A small benchmark harness: run a function several times, report the median
 * and spread, and rewrite one section of bench/RESULTS.md. Benchmarks compare
 * against a baseline measured in the same run, because these machines are
 * shared and noisy; only ratios and medians are quoted.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Timing of one measured function over several runs, in milliseconds. */
export interface Timing {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Runs `fn` `warmup` times untimed, then `runs` times timed; returns the timing and the last result. */
export async function measure<T>(name: string, fn: () => T | Promise<T>, options: { runs?: number; warmup?: number } = {}): Promise<Timing & { result: T }> {
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 1;
  let result!: T;
  for (let i = 0; i < warmup; i++) result = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const medianMs = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { name, runs, medianMs, minMs: times[0]!, maxMs: times[times.length - 1]!, result };
}

/** A figure formatted with thousands separators and `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A one-line description of this machine and runtime. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'RESULTS.md');
const HEADER = `# Benchmark results

Written by \`npm run bench\` (each benchmark rewrites its own section). Figures are
medians of several runs on a shared, noisy machine; each target is judged against
a baseline measured in the same run. Do not compare absolute figures across
machines.
`;

/**
 * Replaces (or appends) the section `id` of bench/RESULTS.md with `body`,
 * stamped with the date and machine. Sections are delimited by HTML comments
 * so that benchmarks of different modules never overwrite each other.
 */
export function writeSection(id: string, title: string, body: string): void {
  const text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const section = `${start}\n## ${title}\n\n_${new Date().toISOString().slice(0, 10)} · ${machine()}_\n\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
}

/** A markdown table from a header row and rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
