/**
 * Finds a repeated customer id in a large batch without a `Set`: an
 * open-addressing table of row indices over 32-bit FNV-1a hashes of the ids'
 * UTF-16 code units, with a string comparison on every hash match. About ten
 * times faster than a `Set` of a million fresh strings, which matters on the
 * hot paths (the pyramid over a million customers has a one-second budget).
 *
 * @internal
 */
export function firstDuplicateIndex(ids: readonly string[]): number {
  const n = ids.length;
  let size = 16;
  while (size < n * 2) size *= 2;
  const mask = size - 1;
  // Slot content: row index + 1; 0 is empty.
  const table = new Int32Array(size);
  for (let index = 0; index < n; index++) {
    const id = ids[index]!;
    let hash = 0x811c9dc5;
    for (let k = 0; k < id.length; k++) hash = Math.imul(hash ^ id.charCodeAt(k), 0x01000193);
    let slot = hash & mask;
    for (;;) {
      const held = table[slot]!;
      if (held === 0) {
        table[slot] = index + 1;
        break;
      }
      if (ids[held - 1] === id) return index;
      slot = (slot + 1) & mask;
    }
  }
  return -1;
}
