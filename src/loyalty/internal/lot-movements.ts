/** Up to this many lots are found by a scan; beyond, through an index. */
const SCAN_LIMIT = 8;

/**
 * Points moved per lot by one effect group, in the order the lots were
 * first moved. Most groups move one to three lots (an earn credits its own
 * lot; a redemption draws from a few), so they are kept in two small arrays
 * and found by a scan; a group that moves many lots (a large redemption
 * over many small lots) gets an index, so it stays linear.
 *
 * @internal
 */
export class LotMovements {
  private readonly lots: string[] = [];
  private readonly points: number[] = [];
  private index: Map<string, number> | null = null;

  /** How many lots were moved (including any whose moves cancelled out). */
  get size(): number {
    return this.lots.length;
  }

  /** The lot at position `i` (first-moved order). */
  lotAt(i: number): string {
    return this.lots[i]!;
  }

  /** The points moved on the lot at position `i`. */
  pointsAt(i: number): number {
    return this.points[i]!;
  }

  /** The points moved on `lotId` (0 if none). */
  get(lotId: string): number {
    const i = this.find(lotId);
    return i < 0 ? 0 : this.points[i]!;
  }

  has(lotId: string): boolean {
    return this.find(lotId) >= 0;
  }

  /** Adds `points` to the lot's movement. */
  add(lotId: string, points: number): void {
    const i = this.find(lotId);
    if (i >= 0) {
      this.points[i] = this.points[i]! + points;
      return;
    }
    this.lots.push(lotId);
    this.points.push(points);
    if (this.index !== null) this.index.set(lotId, this.lots.length - 1);
    else if (this.lots.length > SCAN_LIMIT) this.index = new Map(this.lots.map((lot, position) => [lot, position]));
  }

  /** The sum of the points moved. */
  total(): number {
    let sum = 0;
    for (const moved of this.points) sum += moved;
    return sum;
  }

  private find(lotId: string): number {
    if (this.index !== null) return this.index.get(lotId) ?? -1;
    for (let i = 0; i < this.lots.length; i++) if (this.lots[i] === lotId) return i;
    return -1;
  }
}
