import { z } from 'zod';
import { parse } from '../core/index.js';
import { columnTotal, readColumns } from './columns.js';
import { IssueList } from './input-checks.js';

/**
 * A customer's segment in one period, with the profit it made then — a
 * {@link PyramidAssignment} fits as it is.
 */
export interface MigrationRow {
  readonly customerId: string;
  /** The zone, class or segment in that period. */
  readonly segment: string;
  /**
   * Profit in that period, integer minor units. Optional, but all or nothing
   * per period: give it for every row of a period or for none.
   */
  readonly profitMinor?: number | undefined;
}

/** Options of {@link tierMigration}. */
export const TierMigrationOptionsSchema = z.strictObject({
  /**
   * The segments from the top down (`['top', 'high', 'middle', 'low',
   * 'loss_making']`). With it, moves get a direction (up or down) and the
   * matrix follows this order; every segment that occurs must be listed.
   * Without it, segments are in order of first appearance (before, then
   * after) and a change has direction `changed`.
   */
  order: z.array(z.string().min(1)).min(1).optional(),
});

/** Options of {@link tierMigration} as accepted on input. */
export type TierMigrationOptions = z.input<typeof TierMigrationOptionsSchema>;

/** The direction of one customer's move between periods. */
export type TierMoveDirection = 'up' | 'down' | 'same' | 'changed' | 'entered' | 'left';

/** One customer's move between periods. */
export interface TierMove {
  readonly customerId: string;
  /** The segment before, or `null` when the customer was not in the first period. */
  readonly from: string | null;
  /** The segment after, or `null` when the customer is not in the second period. */
  readonly to: string | null;
  /**
   * `up`/`down` along `order` (towards its start is up); `same`; `changed` when
   * no order was given; `entered` (new in the second period) or `left`.
   */
  readonly direction: TierMoveDirection;
  /** Profit before, or `null` when not in the first period or no profits were given for it. */
  readonly profitBeforeMinor: number | null;
  /** Profit after, or `null` when not in the second period or no profits were given for it. */
  readonly profitAfterMinor: number | null;
}

/** One cell of the migration matrix: the customers that went from one segment to another. */
export interface TierMigrationCell {
  /** The segment before, or `null` for customers who entered. */
  readonly from: string | null;
  /** The segment after, or `null` for customers who left. */
  readonly to: string | null;
  readonly customerCount: number;
  /** Their profit in the first period, or `null` when none was given for it (or they entered). */
  readonly profitBeforeMinor: number | null;
  /** Their profit in the second period, or `null` when none was given for it (or they left). */
  readonly profitAfterMinor: number | null;
}

/** Counts of moves by direction, with the profit the movers carry. */
export interface TierMigrationSummary {
  readonly customerCount: number;
  readonly stayed: number;
  readonly movedUp: number;
  readonly movedDown: number;
  /** Changes without a direction (no `order` given). */
  readonly changed: number;
  readonly entered: number;
  readonly left: number;
  /** The first-period profit of the customers who moved down, or `null` when none was given. */
  readonly movedDownProfitBeforeMinor: number | null;
  /** The second-period profit of the customers who moved down, or `null` when none was given. */
  readonly movedDownProfitAfterMinor: number | null;
}

/** The result of {@link tierMigration}. */
export interface TierMigrationResult {
  /** The segments, top first when `order` was given. */
  readonly segments: readonly string[];
  /** `counts[i][j]`: customers in `segments[i]` before and `segments[j]` after (stayers on the diagonal). */
  readonly counts: readonly (readonly number[])[];
  /** Every non-empty cell, including entered (`from: null`) and left (`to: null`), rows in segment order. */
  readonly cells: readonly TierMigrationCell[];
  /** Every customer whose segment changed, entered or left, by customer id. */
  readonly moves: readonly TierMove[];
  readonly summary: TierMigrationSummary;
}

/**
 * The migration matrix of customers between the zones or segments of two
 * periods: how many moved from each segment to each other, and the profit
 * they carry in either period — the dealer's question "who moved down the
 * pyramid this quarter?" (`moves` with `direction: 'down'`). Customers only
 * in the second period entered; only in the first, left.
 *
 * @param before - the first period's assignments (one per customer)
 * @param after - the second period's assignments (one per customer)
 * @param options - `order`: the segments top first, to tell up from down
 * @throws ValidationError for a bad or duplicate customer id, an empty
 * segment, profits given on some rows of a period but not others, or a
 * segment missing from `order`.
 * @example
 * ```ts
 * const migration = tierMigration(
 *   [{ customerId: 'C1', segment: 'top', profitMinor: 900_000 }],
 *   [{ customerId: 'C1', segment: 'low', profitMinor: 40_000 }],
 *   { order: defaultPyramidPolicy.zones.map((zone) => zone.id) },
 * );
 * migration.moves; // [{ customerId: 'C1', from: 'top', to: 'low', direction: 'down', profitBeforeMinor: 900000, profitAfterMinor: 40000 }]
 * ```
 */
export function tierMigration(before: readonly MigrationRow[], after: readonly MigrationRow[], options: TierMigrationOptions = {}): TierMigrationResult {
  const parsed = parse(TierMigrationOptionsSchema, options, { label: 'tier migration options', path: 'options' });
  const first = readPeriod(before, 'before');
  const second = readPeriod(after, 'after');

  const segments = parsed.order ?? [...new Set([...first.segments, ...second.segments])];
  const position = new Map<string, number>();
  const issues = new IssueList();
  segments.forEach((segment, index) => {
    if (position.has(segment)) issues.add(`options.order[${index}]`, `duplicate segment ${JSON.stringify(segment)}`);
    position.set(segment, index);
  });
  for (const [period, rows] of [['before', first], ['after', second]] as const) {
    rows.segments.forEach((segment, index) => {
      if (!position.has(segment)) issues.add(`${period}[${index}].segment`, `segment ${JSON.stringify(segment)} is not in options.order`);
    });
  }
  issues.throwIfAny('tier migration');

  const k = segments.length;
  // Cell index: from × (k + 1) + to, where index k stands for "absent".
  const cellCount = new Array<number>((k + 1) * (k + 1)).fill(0);
  const cellBefore = new Array<number>((k + 1) * (k + 1)).fill(0);
  const cellAfter = new Array<number>((k + 1) * (k + 1)).fill(0);
  const afterIndex = new Map<string, number>();
  second.ids.forEach((id, index) => afterIndex.set(id, index));
  const moves: TierMove[] = [];
  const tally = { stayed: 0, movedUp: 0, movedDown: 0, changed: 0, entered: 0, left: 0 };
  let downBefore = 0;
  let downAfter = 0;

  const record = (customerId: string, i: number | undefined, j: number | undefined): void => {
    const from = i === undefined ? k : position.get(first.segments[i]!)!;
    const to = j === undefined ? k : position.get(second.segments[j]!)!;
    const profitBefore = i === undefined || first.profits === null ? null : first.profits[i]!;
    const profitAfter = j === undefined || second.profits === null ? null : second.profits[j]!;
    const cell = from * (k + 1) + to;
    cellCount[cell]! += 1;
    cellBefore[cell]! += profitBefore ?? 0;
    cellAfter[cell]! += profitAfter ?? 0;
    const direction: TierMoveDirection =
      from === k ? 'entered' : to === k ? 'left' : from === to ? 'same' : parsed.order === undefined ? 'changed' : to > from ? 'down' : 'up';
    if (direction === 'same') {
      tally.stayed += 1;
      return;
    }
    if (direction === 'down') {
      downBefore += profitBefore ?? 0;
      downAfter += profitAfter ?? 0;
    }
    const key = ({ up: 'movedUp', down: 'movedDown', changed: 'changed', entered: 'entered', left: 'left' } as const)[direction];
    tally[key] += 1;
    moves.push({
      customerId,
      from: from === k ? null : segments[from]!,
      to: to === k ? null : segments[to]!,
      direction,
      profitBeforeMinor: profitBefore,
      profitAfterMinor: profitAfter,
    });
  };
  first.ids.forEach((id, i) => record(id, i, afterIndex.get(id)));
  const inFirst = new Set(first.ids);
  second.ids.forEach((id, j) => {
    if (!inFirst.has(id)) record(id, undefined, j);
  });
  moves.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));

  const cells: TierMigrationCell[] = [];
  for (let from = 0; from <= k; from++) {
    for (let to = 0; to <= k; to++) {
      const cell = from * (k + 1) + to;
      if (cellCount[cell] === 0) continue;
      cells.push({
        from: from === k ? null : segments[from]!,
        to: to === k ? null : segments[to]!,
        customerCount: cellCount[cell]!,
        profitBeforeMinor: first.profits === null || from === k ? null : cellBefore[cell]!,
        profitAfterMinor: second.profits === null || to === k ? null : cellAfter[cell]!,
      });
    }
  }
  const counts = segments.map((_, from) => segments.map((__, to) => cellCount[from * (k + 1) + to]!));
  return {
    segments,
    counts,
    cells,
    moves,
    summary: {
      customerCount: first.ids.length + tally.entered,
      ...tally,
      movedDownProfitBeforeMinor: first.profits === null ? null : downBefore,
      movedDownProfitAfterMinor: second.profits === null ? null : downAfter,
    },
  };
}

function readPeriod(rows: unknown, path: 'before' | 'after'): { ids: string[]; segments: string[]; profits: Float64Array | null } {
  const label = `${path} assignments`;
  const { ids, columns, labels } = readColumns(rows, path, label, [{ field: 'profitMinor', kind: 'minor', optional: true }], ['segment']);
  const profits = columns[0] ?? null;
  if (profits !== null) columnTotal(profits, path, 'total profit', label);
  return { ids, segments: labels[0]!, profits };
}
