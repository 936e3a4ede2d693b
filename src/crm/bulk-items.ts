import type { z } from 'zod';
import { ValidationError, issuesFromZod, type ValidationIssue } from '../core/index.js';

/**
 * The items of a bulk call: an array, which is validated whole before
 * anything is written, or a sync or async iterable (a generator, a CSV
 * reader, a database cursor), which is read and validated one batch at a
 * time so that memory stays bounded by the batch size.
 */
export type CrmBulkSource<T> = readonly T[] | Iterable<T> | AsyncIterable<T>;

/** Batches hold 1 to this many items: the most ids one storage call takes, and the most customers an audit entry lists. */
export const CRM_MAX_BATCH_SIZE = 1000;

/** The batch size of a bulk call that names none. */
export const CRM_DEFAULT_BATCH_SIZE = 250;

/** How a bulk method checks its items. Internal to the facade. */
export interface BulkItemRules<E> {
  /** The input field holding the items, e.g. `customers`. */
  readonly field: string;
  /** What one item is, for messages: `customer`. */
  readonly noun: string;
  readonly schema: z.ZodType<E>;
  /** What makes two items the same (they may not repeat): the id, or `customerId` and id. */
  readonly identity: (item: E) => string;
}

/** A batch of checked items. Internal to the facade. */
export interface ItemBatch<E> {
  /** 0 for the first batch. */
  readonly index: number;
  /** The position of its first item in the input. */
  readonly first: number;
  readonly items: readonly E[];
  /** Whether no batch follows. */
  readonly last: boolean;
}

/** The items of a bulk call, opened: checked already when they came as an array. Internal to the facade. */
export interface OpenedItems<E> {
  /** Every item, checked, when the input was an array; null for an iterable (checked batch by batch). */
  readonly all: readonly E[] | null;
  /** The batches, in order; at least one (an empty input is one empty batch). */
  batches(): AsyncGenerator<ItemBatch<E>, void, undefined>;
}

const MAX_BAD_ITEMS_LISTED = 100;

/** Whether a value can be the items of a bulk call: an array, or an object that is iterable or async iterable. Internal to the facade. */
export function isBulkSource(value: unknown): value is CrmBulkSource<unknown> {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}

/**
 * Checks raw items (the `first` of them at input position `first`) and
 * returns them parsed, or throws one `ValidationError` with the issues of
 * the first 100 bad items at paths `input.<field>[i]…` — a repeated item
 * included (`seen` carries identities across calls). Internal to the facade.
 *
 * @throws `ValidationError`
 */
export function checkItems<E>(rules: BulkItemRules<E>, raw: readonly unknown[], first: number, seen: Map<string, number> = new Map()): E[] {
  const out: E[] = [];
  const issues: ValidationIssue[] = [];
  let bad = 0;
  const report = (found: readonly ValidationIssue[]) => {
    bad += 1;
    if (bad <= MAX_BAD_ITEMS_LISTED) issues.push(...found);
  };
  raw.forEach((item, offset) => {
    const index = first + offset;
    const path = `input.${rules.field}[${index}]`;
    const result = rules.schema.safeParse(item);
    if (!result.success) {
      report(issuesFromZod(result.error.issues, path));
      return;
    }
    const identity = rules.identity(result.data);
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      report([{ path, message: `the same ${rules.noun} as input.${rules.field}[${earlier}]: each ${rules.noun} may appear once in a call` }]);
      return;
    }
    seen.set(identity, index);
    out.push(result.data);
  });
  if (bad > 0) {
    if (bad > MAX_BAD_ITEMS_LISTED) issues.push({ path: `input.${rules.field}`, message: `${bad} ${rules.noun} records are invalid; the first ${MAX_BAD_ITEMS_LISTED} are listed` });
    throw new ValidationError(issues, { label: `${rules.noun} records` });
  }
  return out;
}

/**
 * Opens the items of a bulk call: an array is checked whole at once (a bad
 * item anywhere throws before anything is written) and cut into batches; an
 * iterable is read one batch at a time, with one item of read-ahead to know
 * the last batch, and each batch is checked when it is read (repeats are
 * refused within the batch). Internal to the facade.
 *
 * @throws `ValidationError` for a bad item of an array.
 */
export function openItems<E>(rules: BulkItemRules<E>, source: CrmBulkSource<unknown>, batchSize: number): OpenedItems<E> {
  if (Array.isArray(source)) {
    const all = checkItems(rules, source, 0);
    return {
      all,
      async *batches() {
        let index = 0;
        for (let first = 0; first < all.length || first === 0; first += batchSize) {
          yield { index: index++, first, items: all.slice(first, first + batchSize), last: first + batchSize >= all.length };
        }
      },
    };
  }
  return { all: null, batches: () => iterableBatches(rules, source, batchSize) };
}

async function* iterableBatches<E>(rules: BulkItemRules<E>, source: Iterable<unknown> | AsyncIterable<unknown>, batchSize: number): AsyncGenerator<ItemBatch<E>, void, undefined> {
  const iterator: Iterator<unknown> | AsyncIterator<unknown> =
    Symbol.asyncIterator in source && typeof source[Symbol.asyncIterator] === 'function' ? source[Symbol.asyncIterator]() : (source as Iterable<unknown>)[Symbol.iterator]();
  let read = 0;
  let finished = false;
  const pull = async (): Promise<IteratorResult<unknown>> => {
    try {
      const result = await iterator.next();
      if (result.done === true) finished = true;
      else read += 1;
      return result;
    } catch (error) {
      finished = true;
      throw new ValidationError([{ path: `input.${rules.field}`, message: `reading the ${rules.noun} records failed after ${read} of them: ${error instanceof Error ? error.message : String(error)}` }], {
        label: `${rules.noun} records`,
        cause: error,
      });
    }
  };
  try {
    let ahead = await pull();
    let index = 0;
    let first = 0;
    do {
      const raw: unknown[] = [];
      while (ahead.done !== true && raw.length < batchSize) {
        raw.push(ahead.value);
        ahead = await pull();
      }
      yield { index, first, items: checkItems(rules, raw, first), last: ahead.done === true };
      index += 1;
      first += raw.length;
    } while (ahead.done !== true);
  } finally {
    // Stopped early (a failed batch): let the source release what it holds.
    if (!finished) await iterator.return?.();
  }
}
