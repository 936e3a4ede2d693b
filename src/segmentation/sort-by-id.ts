/**
 * Sorting row indices by customer id in UTF-16 code-unit order (the order of
 * JavaScript's `<` on strings), for the runs of equal values in a ranking.
 * A run can be large — the customers with no purchase in the window all tie
 * at zero profit — so runs are sorted by most-significant-byte radix on the
 * ids' code units, falling back to a comparator sort for small buckets.
 *
 * @internal
 */

/** Buckets smaller than this are sorted with the comparator. */
const SMALL = 48;

/** Compares the ids of two rows in code-unit order. */
export function compareIds(ids: readonly string[]): (a: number, b: number) => number {
  return (a, b) => {
    const idA = ids[a]!;
    const idB = ids[b]!;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
}

/**
 * Sorts `run` (row indices with unique ids) in place by id. `scratch` is
 * working space at least as long as `run`.
 */
export function sortIndicesById(run: Uint32Array, ids: readonly string[], scratch: Uint32Array, byId = compareIds(ids)): void {
  if (run.length < SMALL) run.sort(byId);
  else radix(run, scratch.subarray(0, run.length), ids, 0, byId);
}

/**
 * One radix level: bucket the run by byte `depth` of the ids (two bytes per
 * code unit, high byte first; bucket 0 for ids that have ended, which sort
 * first), then recurse into each bucket. Levels where every id falls in one
 * bucket (a shared prefix) cost one counting pass and no moves.
 */
function radix(run: Uint32Array, scratch: Uint32Array, ids: readonly string[], depth: number, byId: (a: number, b: number) => number): void {
  const n = run.length;
  const counts = new Int32Array(258);
  for (;;) {
    if (n < SMALL) {
      run.sort(byId);
      return;
    }
    counts.fill(0);
    const unit = depth >> 1;
    const shift = (depth & 1) === 0 ? 8 : 0;
    let ended = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[run[i]!]!;
      if (unit < id.length) counts[((id.charCodeAt(unit) >> shift) & 255) + 2]! += 1;
      else ended++;
    }
    // Every id ended: ids are unique, so at most one — nothing to order.
    if (ended === n) return;
    let single = false;
    for (let bucket = 2; bucket < 258; bucket++) {
      if (counts[bucket] === n) {
        single = true;
        break;
      }
    }
    if (single) {
      depth++;
      continue;
    }
    counts[1] = ended;
    // counts[b + 1] becomes the start of bucket b (bucket 0 = ended, bucket k = byte k − 1).
    for (let bucket = 2; bucket < 258; bucket++) counts[bucket]! += counts[bucket - 1]!;
    for (let i = 0; i < n; i++) {
      const row = run[i]!;
      const id = ids[row]!;
      const bucket = unit < id.length ? ((id.charCodeAt(unit) >> shift) & 255) + 1 : 0;
      scratch[counts[bucket]!++] = row;
    }
    run.set(scratch);
    // After scattering, counts[b] is the end of bucket b; bucket 0 holds at most one id.
    let start = counts[0]!;
    for (let bucket = 1; bucket < 257; bucket++) {
      const end = counts[bucket]!;
      if (end - start > 1) radix(run.subarray(start, end), scratch.subarray(start, end), ids, depth + 1, byId);
      start = end;
    }
    return;
  }
}
