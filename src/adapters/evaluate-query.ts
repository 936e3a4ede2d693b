import type { IndexFilter, QueryPlan } from './driver.js';
import { compareCodePoints, compareIndexScalars, type IndexScalar } from './index-values.js';

/** A row as {@link evaluateQueryPlan} sees it: an id and its index values. */
export interface IndexedRow {
  /** The record id. */
  readonly id: string;
  /** The value of every declared index (missing fields count as null). */
  readonly index: Readonly<Record<string, IndexScalar>>;
}

/** The value of `field` in a row: its id for `id`, else its index value (null when absent). */
export function indexValueOf(row: IndexedRow, field: string): IndexScalar {
  return field === 'id' ? row.id : (row.index[field] ?? null);
}

/** Whether a value satisfies one filter, with the comparison rules of {@link compareIndexScalars}. */
export function matchesIndexFilter(value: IndexScalar, filter: IndexFilter): boolean {
  if (filter.op === 'isNull') return value === null;
  if (value === null) return false;
  switch (filter.op) {
    case 'eq':
      return compareIndexScalars(value, filter.value) === 0;
    case 'in':
      return filter.values.some((candidate) => compareIndexScalars(value, candidate) === 0);
    case 'gt':
      return compareIndexScalars(value, filter.value) > 0;
    case 'gte':
      return compareIndexScalars(value, filter.value) >= 0;
    case 'lt':
      return compareIndexScalars(value, filter.value) < 0;
    case 'lte':
      return compareIndexScalars(value, filter.value) <= 0;
  }
}

/**
 * Compares two (order value, id) positions in the order of a plan: by
 * value with {@link compareIndexScalars}, then by id by code point, both
 * reversed for a descending order.
 */
export function compareQueryPositions(
  a: { readonly value: IndexScalar; readonly id: string },
  b: { readonly value: IndexScalar; readonly id: string },
  direction: 'asc' | 'desc',
): number {
  const byValue = compareIndexScalars(a.value, b.value);
  const result = byValue !== 0 ? byValue : compareCodePoints(a.id, b.id);
  return direction === 'asc' ? result : -result;
}

/**
 * Runs a {@link QueryPlan} over rows held in memory, with exactly the
 * contract's semantics: filters, order with id tie-break, keyset position,
 * limit. For drivers over stores without a query engine (a Map, a key-value
 * store); the memory adapter uses it. Takes O(n log limit) time and
 * O(limit) memory beyond the input.
 *
 * @example
 * ```ts
 * const page = evaluateQueryPlan(rowsOfTenant, plan);
 * ```
 */
export function evaluateQueryPlan<R extends IndexedRow>(rows: Iterable<R>, plan: QueryPlan): R[] {
  const { field, direction } = plan.order;
  const position = (row: R) => ({ value: indexValueOf(row, field), id: row.id });
  const compare = (a: R, b: R) => compareQueryPositions(position(a), position(b), direction);
  // A max-heap of the best `limit` rows so far: its root is the worst of them.
  const heap: R[] = [];
  if (plan.limit <= 0) return heap;
  for (const row of rows) {
    if (!plan.filters.every((filter) => matchesIndexFilter(indexValueOf(row, filter.field), filter))) continue;
    if (plan.after !== null && compareQueryPositions(position(row), plan.after, direction) <= 0) continue;
    if (heap.length < plan.limit) {
      heap.push(row);
      siftUp(heap, heap.length - 1, compare);
    } else if (compare(row, heap[0]!) < 0) {
      heap[0] = row;
      siftDown(heap, 0, compare);
    }
  }
  return heap.sort(compare);
}

function siftUp<R>(heap: R[], index: number, compare: (a: R, b: R) => number): void {
  let child = index;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (compare(heap[child]!, heap[parent]!) <= 0) return;
    [heap[child], heap[parent]] = [heap[parent]!, heap[child]!];
    child = parent;
  }
}

function siftDown<R>(heap: R[], index: number, compare: (a: R, b: R) => number): void {
  let parent = index;
  for (;;) {
    const left = parent * 2 + 1;
    const right = left + 1;
    let largest = parent;
    if (left < heap.length && compare(heap[left]!, heap[largest]!) > 0) largest = left;
    if (right < heap.length && compare(heap[right]!, heap[largest]!) > 0) largest = right;
    if (largest === parent) return;
    [heap[parent], heap[largest]] = [heap[largest]!, heap[parent]!];
    parent = largest;
  }
}
