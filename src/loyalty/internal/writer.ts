import { CrmError } from '../../core/index.js';
import type { EarnSource, EarningBreakdown, LedgerEntry, LedgerEntryKind, LotMovement } from '../ledger-entry.js';
import type { LoyaltyMember } from '../member.js';
import type { ProgramContext } from './context.js';
import { factsOf, indexLedger, naturalIdentity, sortFacts } from './ledger-index.js';
import { LedgerReplay, compareFacts, groupKey, withRank, type EffectGroup, type ReplayFact } from './replay.js';
import { TierEngine } from './tier-engine.js';

/** The event data a fact entry carries besides its effects. @internal */
export interface FactTemplate {
  readonly reason: string;
  readonly qualifyingPoints: number;
  readonly qualifyingSpendMinor: number;
  readonly lot?: { readonly availableAt: Date; readonly expiresAt: Date | null };
  readonly earning?: EarningBreakdown;
  readonly source?: EarnSource;
  readonly redemption?: NonNullable<LedgerEntry['redemption']>;
  readonly adjustment?: NonNullable<LedgerEntry['adjustment']>;
  readonly reversal?: NonNullable<LedgerEntry['reversal']>;
  readonly benefit?: NonNullable<LedgerEntry['benefit']>;
  readonly actor?: string;
}

/** The identity of a write: its idempotency key, payload hash and time. @internal */
export interface WriteMeta {
  readonly key: string;
  readonly payloadHash: string;
  readonly asOf: Date;
}

/** What a write produced: the new entries and the replay that computed them. @internal */
export interface WriteOutcome {
  readonly entries: readonly LedgerEntry[];
  readonly replay: LedgerReplay;
  /** Whether the write went through the late path (a full replay and a diff). */
  readonly late: boolean;
}

/** What a key lookup found. @internal */
export type KeyLookup = { readonly status: 'new' } | { readonly status: 'replay'; readonly entries: readonly LedgerEntry[] };

/**
 * Writes facts to one account's ledger. Each write replays the ledger's facts
 * in time order with the new one and records exactly the difference between
 * that replay and what the ledger already says: the new fact's own entry,
 * and — when the event arrived late, dated before entries already written —
 * restating entries for the effects it changed (lot draws, expiries, debts,
 * tier ratings). When the new fact is later than everything recorded (the
 * usual case) the replay simply continues, which keeps batches linear.
 *
 * @internal
 */
export class LedgerWriter {
  readonly ctx: ProgramContext;
  readonly accountId: string;
  readonly entries: LedgerEntry[];
  private readonly members: ReadonlyMap<string, LoyaltyMember>;
  private facts: ReplayFact[];
  private readonly factByKey: Map<string, ReplayFact>;
  private readonly byKey: Map<string, { payloadHash: string; entries: LedgerEntry[] }>;
  private readonly natural: Map<string, string>;
  private readonly reversed: Map<string, string>;
  private maxEntryAtMs: number;
  private horizonMs: number;
  private fast: LedgerReplay | null = null;

  constructor(ctx: ProgramContext, entries: readonly LedgerEntry[], accountId: string, members: ReadonlyMap<string, LoyaltyMember>) {
    const index = indexLedger(entries);
    this.ctx = ctx;
    this.accountId = accountId;
    this.members = members;
    this.entries = [...entries];
    this.facts = index.facts;
    this.factByKey = new Map(index.factByKey);
    this.byKey = new Map([...index.byKey].map(([key, value]) => [key, { payloadHash: value.payloadHash, entries: [...value.entries] }]));
    this.natural = new Map(index.natural);
    this.reversed = new Map(index.reversed);
    this.maxEntryAtMs = index.maxEntryAtMs;
    this.horizonMs = index.horizonMs;
  }

  /**
   * Whether `key` is new, a replay of the same payload (its first entries),
   * or a conflict.
   *
   * @throws `CrmError` `IDEMPOTENCY_CONFLICT` when the key was used with another payload.
   */
  lookup(key: string, payloadHash: string): KeyLookup {
    const known = this.byKey.get(key);
    if (known === undefined) return { status: 'new' };
    if (known.payloadHash !== payloadHash) {
      throw new CrmError('IDEMPOTENCY_CONFLICT', `idempotency key ${JSON.stringify(key)} was already used for a different event (payload hash ${known.payloadHash.slice(0, 12)}…, now ${payloadHash.slice(0, 12)}…)`, {
        details: { key, storedPayloadHash: known.payloadHash, payloadHash },
      });
    }
    return { status: 'replay', entries: known.entries };
  }

  /** The fact recorded under an event key. */
  fact(key: string): ReplayFact | undefined {
    return this.factByKey.get(key);
  }

  /** The key of the reversal that undid `key`, if any. */
  reversalOf(key: string): string | undefined {
    return this.reversed.get(key);
  }

  /** The key of the live earn with the same natural identity (same transaction, same year's birthday…). */
  naturalOwner(identity: string): string | undefined {
    return this.natural.get(identity);
  }

  /** All facts, in replay order. */
  allFacts(): readonly ReplayFact[] {
    return this.facts;
  }

  /** Writes one fact; `check` may refuse it by throwing after seeing the replay. */
  write(fact: ReplayFact, template: FactTemplate, meta: WriteMeta, check?: (replay: LedgerReplay) => void): WriteOutcome {
    const last = this.facts[this.facts.length - 1];
    const inOrder = (last === undefined || compareFacts(last, fact) < 0) && fact.atMs >= this.maxEntryAtMs && fact.atMs > this.horizonMs;
    const outcome = inOrder ? this.writeInOrder(fact, template, meta, check) : this.writeLate(fact, template, meta, this.horizonMs, check);
    this.commit(outcome.entries, fact);
    return outcome;
  }

  /** Records every lapse up to `asOf` not yet in the ledger (and restates any that changed). */
  expire(meta: WriteMeta): WriteOutcome {
    const horizonMs = Math.max(this.horizonMs, meta.asOf.getTime());
    const outcome = this.writeLate(null, null, meta, horizonMs);
    this.commit(outcome.entries, null);
    // The run's entries carry its asOf (recordedAt): read back, the ledger gives the same horizon.
    if (outcome.entries.some((entry) => entry.kind === 'expire')) this.horizonMs = horizonMs;
    return outcome;
  }

  private newTiers(): TierEngine {
    return new TierEngine(this.ctx, this.members);
  }

  private writeInOrder(fact: ReplayFact, template: FactTemplate, meta: WriteMeta, check?: (replay: LedgerReplay) => void): WriteOutcome {
    let replay = this.fast;
    if (replay === null) {
      replay = new LedgerReplay(this.ctx, { collect: false, tiers: this.newTiers(), rerateMembers: null });
      for (const existing of this.facts) replay.apply(existing);
      this.fast = replay;
    }
    replay.groups.clear();
    try {
      // Lots lapsing before the event are not its effects: an expiry run records them.
      replay.advanceTo(fact.atMs);
      replay.collect = true;
      replay.apply(fact);
      replay.collect = false;
      check?.(replay);
    } catch (error) {
      this.fast = null;
      throw error;
    }
    const groups = [...replay.groups.values()];
    return { entries: this.build(groups, fact, template, meta, replay), replay, late: false };
  }

  private writeLate(fact: ReplayFact | null, template: FactTemplate | null, meta: WriteMeta, lapseHorizonMs: number, check?: (replay: LedgerReplay) => void): WriteOutcome {
    this.fast = null;
    const rerate = new Set(this.members.keys());
    const replay = new LedgerReplay(this.ctx, { collect: true, tiers: this.newTiers(), rerateMembers: rerate });
    const facts = fact === null ? this.facts : sortFacts([...this.facts, fact]);
    for (const item of facts) replay.apply(item);
    const lastAt = facts.length > 0 ? facts[facts.length - 1]!.atMs : Number.NEGATIVE_INFINITY;
    replay.advanceTo(Math.max(lastAt, lapseHorizonMs));
    const recorded = recordedGroups(this.entries);
    if (fact !== null) check?.(replay);
    const deltas = diffGroups(replay.groups, recorded, lapseHorizonMs, replay.lots);
    return { entries: this.build(deltas, fact, template, meta, replay), replay, late: true };
  }

  private build(groups: readonly EffectGroup[], fact: ReplayFact | null, template: FactTemplate | null, meta: WriteMeta, replay: LedgerReplay): LedgerEntry[] {
    let primary: EffectGroup | undefined;
    const effects: EffectGroup[] = [];
    for (const group of groups) {
      if (fact !== null && group.atMs === fact.atMs && group.eventKey === fact.key && group.kind === fact.kind) primary = group;
      else effects.push(group);
    }
    if (effects.length > 1) effects.sort(compareGroups);
    const out: LedgerEntry[] = [];
    if (fact !== null && template !== null) {
      const group = primary ?? { kind: fact.kind, eventKey: fact.key, memberId: fact.memberId, atMs: fact.atMs, movements: new Map(), debt: 0, forgiven: 0 };
      const earning = fact.kind === 'earn' ? (template.earning ?? replay.ratings.get(fact.key)) : undefined;
      out.push(this.entry(out.length, group, meta, template.reason, 'fact', template, earning));
    }
    for (const group of effects) {
      const earning = group.kind === 'earn' ? replay.ratings.get(group.eventKey) : undefined;
      out.push(this.entry(out.length, group, meta, effectReason(group, meta.key, fact, earning?.tierId), 'effect', null, earning));
    }
    return out;
  }

  private entry(index: number, group: EffectGroup, meta: WriteMeta, reason: string, role: 'fact' | 'effect', template: FactTemplate | null, earning: EarningBreakdown | undefined): LedgerEntry {
    const movements: LotMovement[] = [];
    let points = 0;
    for (const [lotId, moved] of group.movements) {
      if (moved === 0) continue;
      movements.push({ lotId, points: moved });
      points += moved;
    }
    const id = `${meta.key}#${index}`;
    const at = new Date(group.atMs);
    const qualifyingPoints = template?.qualifyingPoints ?? 0;
    const qualifyingSpendMinor = template?.qualifyingSpendMinor ?? 0;
    // The common entry, an earn fact, is built in one literal (one object shape, no added properties).
    if (template !== null && template.lot !== undefined && template.source !== undefined && earning !== undefined && template.actor === undefined) {
      return {
        id, programId: this.ctx.program.id, accountId: this.accountId, memberId: group.memberId, kind: group.kind, role,
        idempotencyKey: meta.key, payloadHash: meta.payloadHash, eventKey: group.eventKey, at, recordedAt: meta.asOf, reason,
        points, movements, debtPoints: group.debt, forgivenPoints: group.forgiven, qualifyingPoints, qualifyingSpendMinor,
        lot: template.lot, earning, source: template.source,
      };
    }
    const entry: LedgerEntry = {
      id, programId: this.ctx.program.id, accountId: this.accountId, memberId: group.memberId, kind: group.kind, role,
      idempotencyKey: meta.key, payloadHash: meta.payloadHash, eventKey: group.eventKey, at, recordedAt: meta.asOf, reason,
      points, movements, debtPoints: group.debt, forgivenPoints: group.forgiven, qualifyingPoints, qualifyingSpendMinor,
    };
    if (template?.lot !== undefined) entry.lot = template.lot;
    if (earning !== undefined) entry.earning = earning;
    if (template === null) return entry;
    if (template.source !== undefined) entry.source = template.source;
    if (template.redemption !== undefined) entry.redemption = template.redemption;
    if (template.adjustment !== undefined) entry.adjustment = template.adjustment;
    if (template.reversal !== undefined) entry.reversal = template.reversal;
    if (template.benefit !== undefined) entry.benefit = template.benefit;
    if (template.actor !== undefined) entry.actor = template.actor;
    return entry;
  }

  private commit(entries: readonly LedgerEntry[], fact: ReplayFact | null): void {
    if (fact !== null) {
      const primary = entries[0]!;
      const committed = withRank(fact, primary, creditOnOwnLot(primary), ratingOf(fact, primary));
      const last = this.facts[this.facts.length - 1];
      if (last === undefined || compareFacts(last, committed) < 0) this.facts.push(committed);
      else this.facts = sortFacts([...this.facts, committed]);
      this.factByKey.set(committed.key, committed);
      if (fact.kind === 'reverse' && fact.targetKey !== null) {
        this.reversed.set(fact.targetKey, fact.key);
        for (const [identity, owner] of this.natural) if (owner === fact.targetKey) this.natural.delete(identity);
      }
      const identity = naturalIdentity(primary);
      if (identity !== null) this.natural.set(identity, fact.key);
    }
    let restated = false;
    for (const entry of entries) {
      this.entries.push(entry);
      const at = entry.at.getTime();
      if (at > this.maxEntryAtMs) this.maxEntryAtMs = at;
      if (entry.role === 'effect' && (entry.kind === 'earn' || entry.kind === 'adjust')) restated = true;
      const known = this.byKey.get(entry.idempotencyKey);
      if (known === undefined) this.byKey.set(entry.idempotencyKey, { payloadHash: entry.payloadHash, entries: [entry] });
      else known.entries.push(entry);
    }
    // A restated credit changes recorded facts: read them back from the entries.
    if (restated) this.facts = factsOf(this.entries);
    if (restated) for (const item of this.facts) this.factByKey.set(item.key, item);
  }
}

function creditOnOwnLot(entry: LedgerEntry): number {
  let credit = 0;
  for (const movement of entry.movements) if (movement.lotId === entry.eventKey && movement.points > 0) credit += movement.points;
  return entry.kind === 'earn' || entry.kind === 'adjust' ? credit : 0;
}

function ratingOf(fact: ReplayFact, primary: LedgerEntry): ReplayFact['rating'] {
  if (fact.rating === null || primary.earning === undefined) return fact.rating;
  return { basis: fact.rating.basis, recordedTierId: primary.earning.tierId };
}

function compareGroups(a: EffectGroup, b: EffectGroup): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0;
}

function effectReason(group: EffectGroup, causeKey: string, fact: ReplayFact | null, tierId: string | undefined): string {
  let total = 0;
  for (const moved of group.movements.values()) total += moved;
  if (fact === null && group.kind === 'expire' && total <= 0) return `expiry: unspent points of lot ${group.eventKey} lapsed`;
  if (group.kind === 'earn' && tierId !== undefined) return `restated: earned in tier ${tierId} once event ${causeKey} was counted`;
  if (fact !== null && fact.atMs === group.atMs && group.debt < 0 && total <= 0 && group.eventKey !== fact.key) {
    return `debt of ${group.eventKey} settled from points of ${causeKey}`;
  }
  if (group.kind === 'expire' && fact !== null && fact.key !== group.eventKey && total < 0 && fact.kind === 'reverse') {
    return `expiry: points returned by ${causeKey} to lot ${group.eventKey}, which had lapsed`;
  }
  return `restated after event ${causeKey} (dated before entries already recorded)`;
}

/** The recorded effect groups of entries. @internal */
function recordedGroups(entries: readonly LedgerEntry[]): Map<string, EffectGroup> {
  const groups = new Map<string, EffectGroup>();
  for (const entry of entries) {
    const atMs = entry.at.getTime();
    const key = groupKey(entry.kind, entry.eventKey, atMs);
    let group = groups.get(key);
    if (group === undefined) {
      group = { kind: entry.kind, eventKey: entry.eventKey, memberId: entry.memberId, atMs, movements: new Map(), debt: 0, forgiven: 0 };
      groups.set(key, group);
    }
    for (const movement of entry.movements) group.movements.set(movement.lotId, (group.movements.get(movement.lotId) ?? 0) + movement.points);
    group.debt += entry.debtPoints;
    group.forgiven += entry.forgivenPoints;
  }
  return groups;
}

/**
 * The difference between the replayed effects and the recorded ones, as
 * groups to write. Lots lapsing after `lapseHorizonMs` are left for a later
 * expiry run.
 */
function diffGroups(projected: ReadonlyMap<string, EffectGroup>, recorded: ReadonlyMap<string, EffectGroup>, lapseHorizonMs: number, lots: LedgerReplay['lots']): EffectGroup[] {
  const out: EffectGroup[] = [];
  // A lot lapsing at its own expiry after the horizon waits for an expiry run;
  // points returned to a lapsed lot lapse with the event that returned them.
  const beyond = (kind: LedgerEntryKind, atMs: number, lotId: string) => kind === 'expire' && atMs > lapseHorizonMs && lots.get(lotId)?.expiresAtMs === atMs;
  for (const [key, group] of projected) {
    if (beyond(group.kind, group.atMs, group.eventKey)) continue;
    const before = recorded.get(key);
    const delta: EffectGroup = { kind: group.kind, eventKey: group.eventKey, memberId: group.memberId, atMs: group.atMs, movements: new Map(), debt: group.debt - (before?.debt ?? 0), forgiven: group.forgiven - (before?.forgiven ?? 0) };
    for (const [lot, moved] of group.movements) {
      const change = moved - (before?.movements.get(lot) ?? 0);
      if (change !== 0) delta.movements.set(lot, change);
    }
    if (before !== undefined) {
      for (const [lot, moved] of before.movements) if (!group.movements.has(lot) && moved !== 0) delta.movements.set(lot, -moved);
    }
    if (delta.movements.size > 0 || delta.debt !== 0 || delta.forgiven !== 0) out.push(delta);
  }
  for (const [key, before] of recorded) {
    if (projected.has(key) || beyond(before.kind, before.atMs, before.eventKey)) continue;
    const delta: EffectGroup = { kind: before.kind, eventKey: before.eventKey, memberId: before.memberId, atMs: before.atMs, movements: new Map(), debt: -before.debt, forgiven: -before.forgiven };
    for (const [lot, moved] of before.movements) if (moved !== 0) delta.movements.set(lot, -moved);
    if (delta.movements.size > 0 || delta.debt !== 0 || delta.forgiven !== 0) out.push(delta);
  }
  return out;
}
