import type { LedgerEntryKind } from '../ledger-entry.js';
import { LotMovements } from './lot-movements.js';

/** The effects of one event at one instant, as the ledger records them. @internal */
export interface EffectGroup {
  readonly kind: LedgerEntryKind;
  readonly eventKey: string;
  readonly memberId: string;
  readonly atMs: number;
  readonly movements: LotMovements;
  debt: number;
  forgiven: number;
}

/** Up to this many groups are found by a scan; beyond, by an index on the event key. */
const SCAN_LIMIT = 8;

/**
 * Effect groups, one per (kind, event key, instant), in the order they were
 * made. An in-order write makes one to three, found by a scan with no map
 * to fill and empty again; a full replay (a late event, an expiry run) makes
 * one per event and lapse, found through an index by event key — a string
 * its callers already hold, so its hash is computed once — never under a
 * composite key built and hashed for every movement.
 *
 * @internal
 */
export class EffectGroups {
  private readonly list: EffectGroup[] = [];
  private index: Map<string, EffectGroup[]> | null = null;

  /** The group of an event at an instant, if any. */
  find(kind: LedgerEntryKind, eventKey: string, atMs: number): EffectGroup | undefined {
    const candidates = this.index === null ? this.list : this.index.get(eventKey);
    if (candidates === undefined) return undefined;
    for (const group of candidates) if (group.atMs === atMs && group.kind === kind && group.eventKey === eventKey) return group;
    return undefined;
  }

  /** The group of an event at an instant, created (empty) on first use. */
  at(kind: LedgerEntryKind, eventKey: string, memberId: string, atMs: number): EffectGroup {
    const found = this.find(kind, eventKey, atMs);
    if (found !== undefined) return found;
    const group: EffectGroup = { kind, eventKey, memberId, atMs, movements: new LotMovements(), debt: 0, forgiven: 0 };
    this.list.push(group);
    if (this.index !== null) addToIndex(this.index, group);
    else if (this.list.length > SCAN_LIMIT) {
      this.index = new Map();
      for (const item of this.list) addToIndex(this.index, item);
    }
    return group;
  }

  /** Every group, in the order they were made. */
  values(): readonly EffectGroup[] {
    return this.list;
  }

  clear(): void {
    this.list.length = 0;
    this.index = null;
  }
}

function addToIndex(index: Map<string, EffectGroup[]>, group: EffectGroup): void {
  const groups = index.get(group.eventKey);
  if (groups === undefined) index.set(group.eventKey, [group]);
  else groups.push(group);
}
