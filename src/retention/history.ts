import { ValidationError, type ValidationIssue } from '../core/index.js';

/**
 * A customer's visit history as the buy-till-you-die models read it, in one
 * time unit (days or weeks, the unit of the summary it came from):
 * `frequency` = x repeat visits, `recency` = t_x (time from the first to the
 * last visit), `age` = T (time from the first visit to the end of calibration).
 */
export interface VisitHistory {
  /** x: the number of repeat visits (visits after the first); a non-negative integer. */
  readonly frequency: number;
  /** t_x: time from the first visit to the last one, in the model's unit; 0 when `frequency` is 0. */
  readonly recency: number;
  /** T: time from the first visit to the end of calibration, in the model's unit; at least `recency`. */
  readonly age: number;
}

const MAX_ISSUES = 20;

/** Appends the broken rules of one history to `issues`. */
export function historyIssues(value: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof value !== 'object' || value === null) {
    issues.push({ path, message: `expected a visit history { frequency, recency, age }, got ${value === null ? 'null' : typeof value}` });
    return;
  }
  const { frequency, recency, age } = value as Partial<Record<keyof VisitHistory, unknown>>;
  if (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 0) {
    issues.push({ path: `${path}.frequency`, message: `frequency must be a non-negative integer count of repeat visits, got ${String(frequency)}` });
  }
  if (typeof age !== 'number' || !Number.isFinite(age) || age < 0) {
    issues.push({ path: `${path}.age`, message: `age must be a finite time of at least 0 since the first visit, got ${String(age)}` });
  }
  if (typeof recency !== 'number' || !Number.isFinite(recency) || recency < 0) {
    issues.push({ path: `${path}.recency`, message: `recency must be a finite time of at least 0, got ${String(recency)}` });
  } else if (typeof age === 'number' && recency > age) {
    issues.push({ path: `${path}.recency`, message: `recency (${recency}) must not exceed age (${age}): the last visit cannot come after the calibration end` });
  } else if (frequency === 0 && recency !== 0) {
    issues.push({ path: `${path}.recency`, message: `recency must be 0 when frequency is 0, got ${recency}` });
  }
}

/**
 * Checks one history by hand and throws a {@link ValidationError} naming the
 * path and the rule.
 *
 * @internal
 */
export function checkHistory(value: unknown, path: string): VisitHistory {
  const issues: ValidationIssue[] = [];
  historyIssues(value, path, issues);
  if (issues.length > 0) throw new ValidationError(issues, { label: 'visit history' });
  return value as VisitHistory;
}

/** Histories packed into typed columns, with a weight per row. */
export interface HistoryColumns {
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly age: Float64Array;
  /** How many customers share each row. */
  readonly weight: Float64Array;
  /** For each input customer, the row that holds its history. */
  readonly rowOf: Int32Array;
  /** The number of customers (the sum of the weights). */
  readonly customers: number;
}

/**
 * Validates a batch of histories and packs the distinct `(x, t_x, T)` into
 * columns, so that customers who share a history are evaluated once.
 *
 * @throws {@link ValidationError} listing the first broken rules, with paths
 *   such as `summaries[12].age`.
 * @internal
 */
export function packHistories(histories: readonly unknown[], label: string): HistoryColumns {
  if (!Array.isArray(histories)) throw new ValidationError([{ path: label, message: 'expected an array of visit histories' }]);
  const n = histories.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const t = new Float64Array(n);
  const issues: ValidationIssue[] = [];
  for (let i = 0; i < n; i++) {
    const item = histories[i] as VisitHistory;
    const before = issues.length;
    historyIssues(item, `${label}[${i}]`, issues);
    if (issues.length > before) {
      if (issues.length >= MAX_ISSUES) break;
      continue;
    }
    x[i] = item.frequency;
    tx[i] = item.recency;
    t[i] = item.age;
  }
  if (issues.length > 0) throw new ValidationError(issues, { label });
  const groups = groupRows([x, tx, t], n);
  const rows = groups.count;
  const out = { frequency: new Float64Array(rows), recency: new Float64Array(rows), age: new Float64Array(rows), weight: new Float64Array(rows) };
  for (let g = 0; g < rows; g++) {
    const first = groups.firstRow[g]!;
    out.frequency[g] = x[first]!;
    out.recency[g] = tx[first]!;
    out.age[g] = t[first]!;
  }
  for (let i = 0; i < n; i++) out.weight[groups.groupOf[i]!]! += 1;
  return { ...out, rowOf: groups.groupOf, customers: n };
}

/** Rows grouped by equal values in every column. */
export interface RowGroups {
  /** The number of distinct rows. */
  readonly count: number;
  /** The group of each input row. */
  readonly groupOf: Int32Array;
  /** The first input row of each group. */
  readonly firstRow: Int32Array;
}

/**
 * Groups rows with equal values in every column (compared as numbers, with
 * `0` and `-0` equal) in linear time, with an open-addressing hash table.
 *
 * @internal
 */
export function groupRows(columns: readonly Float64Array[], n: number): RowGroups {
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const k = columns.length;
  const table = new Int32Array(capacity).fill(-1);
  const tableHash = new Int32Array(capacity);
  const groupOf = new Int32Array(n);
  const firstRow = new Int32Array(n);
  const words = columns.map((column) => new Int32Array(column.buffer, column.byteOffset, column.length * 2));
  let count = 0;
  for (let i = 0; i < n; i++) {
    let hash = 0x811c9dc5 | 0;
    for (let c = 0; c < k; c++) {
      // 0 and -0 hash alike: both as the words of +0.
      const nonZero = columns[c]![i] !== 0;
      hash = Math.imul(hash ^ (nonZero ? words[c]![2 * i]! : 0), 0x01000193);
      hash = Math.imul(hash ^ (nonZero ? words[c]![2 * i + 1]! : 0), 0x01000193);
    }
    hash ^= hash >>> 15;
    let slot = hash & mask;
    for (;;) {
      const group = table[slot]!;
      if (group === -1) {
        table[slot] = count;
        tableHash[slot] = hash;
        firstRow[count] = i;
        groupOf[i] = count;
        count++;
        break;
      }
      if (tableHash[slot] === hash) {
        const row = firstRow[group]!;
        let same = true;
        for (let c = 0; c < k; c++) {
          if (columns[c]![row] !== columns[c]![i]) {
            same = false;
            break;
          }
        }
        if (same) {
          groupOf[i] = group;
          break;
        }
      }
      slot = (slot + 1) & mask;
    }
  }
  return { count, groupOf, firstRow: firstRow.subarray(0, count) };
}

/**
 * The distinct values of a column and, for each row, the index of its value:
 * lets a likelihood take `ln(α + T)` once per distinct `T`.
 *
 * @internal
 */
export function distinctValues(column: Float64Array): { readonly values: Float64Array; readonly indexOf: Int32Array } {
  const groups = groupRows([column], column.length);
  const values = new Float64Array(groups.count);
  for (let g = 0; g < groups.count; g++) values[g] = column[groups.firstRow[g]!]!;
  return { values, indexOf: groups.groupOf };
}
