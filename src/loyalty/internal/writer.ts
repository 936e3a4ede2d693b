import { CrmError } from '../../core/index.js';
import type { EarnSource, EarningBreakdown, LedgerEntry, LedgerEntryKind, LotMovement } from '../ledger-entry.js';
import type { LoyaltyMember } from '../member.js';
import type { ProgramContext } from './context.js';
import { factsOf, indexLedger, naturalIdentity, sortFacts } from './ledger-index.js';
import { EffectGroups, type EffectGroup } from './effect-groups.js';
import { LotMovements } from './lot-movements.js';
import { LedgerReplay, compareFacts, flatBreakdown, recordFact, type ReplayFact } from './replay.js';
import { creditFor, type CreditBasis } from './earning-rules.js';
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

/**
 * A new earn for {@link LedgerWriter.appendEarnsInOrder}: what its fact and
 * fact entry are made of, with no replay fact built.
 *
 * @internal
 */
export interface InOrderEarn {
  readonly key: string;
  readonly payloadHash: string;
  /** Its natural identity (`transaction:RO-1`, `welcome:M-1`…). */
  readonly identity: string;
  readonly atMs: number;
  /** How a transaction earn is rated; null for a flat bonus. */
  readonly basis: CreditBasis | null;
  /** The points of a flat bonus (unused when `basis` is set). */
  readonly credit: number;
  readonly template: FactTemplate;
}

/** What a key lookup found. @internal */
export type KeyLookup = { readonly status: 'new' } | { readonly status: 'replay'; readonly entries: readonly LedgerEntry[] };

const NEW_KEY: KeyLookup = Object.freeze({ status: 'new' });

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
  private readonly byKey: Map<string, LedgerEntry[]>;
  private readonly natural: Map<string, string>;
  private readonly reversed: Map<string, string>;
  private maxEntryAtMs: number;
  private horizonMs: number;
  private fast: LedgerReplay | null = null;
  /** Set by {@link LedgerWriter.appendEarnsInOrder}: its indexes were not kept up to date, so the writer is done. */
  private closed = false;

  constructor(ctx: ProgramContext, entries: readonly LedgerEntry[], accountId: string, members: ReadonlyMap<string, LoyaltyMember>) {
    const index = indexLedger(entries);
    this.ctx = ctx;
    this.accountId = accountId;
    this.members = members;
    this.entries = [...entries];
    this.facts = index.facts;
    this.factByKey = index.factByKey;
    this.byKey = index.byKey;
    this.natural = index.natural;
    this.reversed = index.reversed;
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
    this.checkOpen();
    const known = this.byKey.get(key);
    if (known === undefined) return NEW_KEY;
    const stored = known[0]!.payloadHash;
    if (stored !== payloadHash) {
      throw new CrmError('IDEMPOTENCY_CONFLICT', `idempotency key ${JSON.stringify(key)} was already used for a different event (payload hash ${stored.slice(0, 12)}…, now ${payloadHash.slice(0, 12)}…)`, {
        details: { key, storedPayloadHash: stored, payloadHash },
      });
    }
    return { status: 'replay', entries: known };
  }

  /** The fact recorded under an event key. */
  fact(key: string): ReplayFact | undefined {
    this.checkOpen();
    return this.factByKey.get(key);
  }

  /** The key of the reversal that undid `key`, if any. */
  reversalOf(key: string): string | undefined {
    this.checkOpen();
    return this.reversed.get(key);
  }

  /** The key of the live earn with the same natural identity (same transaction, same year's birthday…). */
  naturalOwner(identity: string): string | undefined {
    this.checkOpen();
    return this.natural.get(identity);
  }

  /** All facts, in replay order. */
  allFacts(): readonly ReplayFact[] {
    this.checkOpen();
    return this.facts;
  }

  /**
   * Writes one fact; `check` may refuse it by throwing after seeing the
   * replay. `identity`, when the caller has it, is the natural identity of the
   * fact's entry (what `naturalIdentity` would find), saving its recomputation.
   */
  write(fact: ReplayFact, template: FactTemplate, meta: WriteMeta, check?: (replay: LedgerReplay) => void, identity?: string | null): WriteOutcome {
    this.checkOpen();
    const last = this.facts[this.facts.length - 1];
    const inOrder = (last === undefined || compareFacts(last, fact) < 0) && fact.atMs >= this.maxEntryAtMs && fact.atMs > this.horizonMs;
    const outcome = inOrder ? this.writeInOrder(fact, template, meta, check) : this.writeLate(fact, template, meta, this.horizonMs, check);
    this.commit(outcome.entries, fact, identity);
    return outcome;
  }

  /** Records every lapse up to `asOf` not yet in the ledger (and restates any that changed). */
  expire(meta: WriteMeta): WriteOutcome {
    this.checkOpen();
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

  /** The replay of the facts so far that in-order writes continue (made on first use). */
  private inOrderReplay(): LedgerReplay {
    let replay = this.fast;
    if (replay === null) {
      replay = new LedgerReplay(this.ctx, { collect: false, tiers: this.newTiers(), rerateMembers: null });
      for (const existing of this.facts) replay.apply(existing);
      this.fast = replay;
    }
    return replay;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('internal: a LedgerWriter was used after appendEarnsInOrder');
  }

  /**
   * The fast path of a batch of earns (`accrueMany`): writes `earns` in the
   * given order and returns their fact entries — exactly what {@link write}
   * would return for each in turn — when that order is the replay's order,
   * every earn comes after everything recorded (after the last fact, the
   * latest entry and the last expiry run) and no debt is outstanding; new
   * keys and natural identities, none repeated in the batch. Then each write
   * is the in-order one, and its only effect is the fact entry (lapses are
   * not an event's effects; with no debt no lot settles one), so no effect
   * groups, lot movements, replay facts or lots are built: the tiers alone
   * are moved on, rating each earn in the tier held at its time.
   *
   * Returns null, having written nothing, when a precondition fails (the
   * caller then writes event by event). On success the writer's indexes are
   * not updated: it must not be used again.
   *
   * @internal
   */
  appendEarnsInOrder(earns: readonly InOrderEarn[], order: readonly number[], memberId: string, asOf: Date): LedgerEntry[] | null {
    this.checkOpen();
    const count = order.length;
    if (count === 0) return null;
    const first = earns[order[0]!]!;
    if (first.atMs < this.maxEntryAtMs || first.atMs <= this.horizonMs) return null;
    const last = this.facts[this.facts.length - 1];
    if (last !== undefined && !earnFollows(last.atMs, last.kind, last.key, first.atMs, first.key)) return null;
    for (let i = 0; i < count; i++) {
      const earn = earns[order[i]!]!;
      const template = earn.template;
      if (template.lot === undefined || template.source === undefined || template.earning !== undefined || template.actor !== undefined) return null;
      if (this.byKey.has(earn.key) || this.natural.has(earn.identity)) return null;
      if (i > 0) {
        const before = earns[order[i - 1]!]!;
        if (!earnFollows(before.atMs, 'earn', before.key, earn.atMs, earn.key)) return null;
      }
    }
    if (!allDistinct(earns, order)) return null;
    // A new ledger needs no replay: its lots would only lapse, which is no event's effect. The tiers are all there is.
    let replay: LedgerReplay | null = null;
    let tiers: TierEngine;
    if (this.facts.length === 0 && this.fast === null) tiers = this.newTiers();
    else {
      replay = this.inOrderReplay();
      if (replay.debts.length > 0) return null;
      tiers = replay.options.tiers!;
    }
    const ctx = this.ctx;
    const programId = ctx.program.id;
    const accountId = this.accountId;
    const byPoints = ctx.program.tiers.basis === 'qualifying_points';
    const out = new Array<LedgerEntry>(count);
    // From here on the replay's lots fall behind the facts: it is dropped, with the writer.
    this.closed = true;
    this.fast = null;
    for (let i = 0; i < count; i++) {
      const earn = earns[order[i]!]!;
      const template = earn.template;
      const atMs = earn.atMs;
      if (replay !== null) replay.advanceTo(atMs);
      else tiers.advanceTo(atMs);
      const tierIndex = tiers.effectiveIndex(memberId, atMs);
      let points: number;
      let earning: EarningBreakdown;
      if (earn.basis !== null) {
        const rated = creditFor(ctx, earn.basis, tierIndex);
        points = rated.points;
        earning = rated.breakdown;
      } else {
        points = earn.credit;
        earning = flatBreakdown(ctx, points, tierIndex);
      }
      tiers.contribute(memberId, atMs, byPoints ? template.qualifyingPoints : template.qualifyingSpendMinor, atMs);
      // The same literal as `entry` builds for an earn fact (same fields, same order).
      out[i] = {
        id: `${earn.key}#0`, programId, accountId, memberId, kind: 'earn', role: 'fact',
        idempotencyKey: earn.key, payloadHash: earn.payloadHash, eventKey: earn.key, at: new Date(atMs), recordedAt: asOf, reason: template.reason,
        points, movements: points === 0 ? [] : [{ lotId: earn.key, points }], debtPoints: 0, forgivenPoints: 0,
        qualifyingPoints: template.qualifyingPoints, qualifyingSpendMinor: template.qualifyingSpendMinor,
        lot: template.lot, earning, source: template.source,
      };
    }
    return out;
  }

  private writeInOrder(fact: ReplayFact, template: FactTemplate, meta: WriteMeta, check?: (replay: LedgerReplay) => void): WriteOutcome {
    const replay = this.inOrderReplay();
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
    return { entries: this.build(replay.groups.values(), fact, template, meta, replay), replay, late: false };
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
      const group = primary ?? { kind: fact.kind, eventKey: fact.key, memberId: fact.memberId, atMs: fact.atMs, movements: new LotMovements(), debt: 0, forgiven: 0 };
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
    for (let i = 0; i < group.movements.size; i++) {
      const moved = group.movements.pointsAt(i);
      if (moved === 0) continue;
      movements.push({ lotId: group.movements.lotAt(i), points: moved });
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

  private commit(entries: readonly LedgerEntry[], fact: ReplayFact | null, knownIdentity?: string | null): void {
    if (fact !== null) {
      const primary = entries[0]!;
      recordFact(fact, primary, creditOnOwnLot(primary), primary.earning?.tierId ?? null);
      const last = this.facts[this.facts.length - 1];
      if (last === undefined || compareFacts(last, fact) < 0) this.facts.push(fact);
      else this.facts = sortFacts([...this.facts, fact]);
      this.factByKey.set(fact.key, fact);
      if (fact.kind === 'reverse' && fact.targetKey !== null) {
        this.reversed.set(fact.targetKey, fact.key);
        for (const [identity, owner] of this.natural) if (owner === fact.targetKey) this.natural.delete(identity);
      }
      const identity = knownIdentity === undefined ? naturalIdentity(primary) : knownIdentity;
      if (identity !== null) this.natural.set(identity, fact.key);
    }
    let restated = false;
    for (const entry of entries) {
      this.entries.push(entry);
      const at = entry.at.getTime();
      if (at > this.maxEntryAtMs) this.maxEntryAtMs = at;
      if (entry.role === 'effect' && (entry.kind === 'earn' || entry.kind === 'adjust')) restated = true;
      const known = this.byKey.get(entry.idempotencyKey);
      if (known === undefined) this.byKey.set(entry.idempotencyKey, [entry]);
      else known.push(entry);
    }
    // A restated credit changes recorded facts: read them back from the entries.
    if (restated) this.facts = factsOf(this.entries);
    if (restated) for (const item of this.facts) this.factByKey.set(item.key, item);
  }
}

/** Whether an earn at `atMs` under `key` comes after the fact (`atMs`, `kind`, `key`) in replay order ({@link compareFacts}). */
function earnFollows(beforeAtMs: number, beforeKind: ReplayFact['kind'], beforeKey: string, atMs: number, key: string): boolean {
  if (beforeAtMs !== atMs) return beforeAtMs < atMs;
  // Earns rank first at an instant: only an earn with a smaller key comes before one.
  return beforeKind === 'earn' && beforeKey < key;
}

/** Whether the earns have distinct keys and distinct natural identities. */
function allDistinct(earns: readonly InOrderEarn[], order: readonly number[]): boolean {
  const count = order.length;
  if (count <= 16) {
    for (let i = 0; i < count; i++) {
      const a = earns[order[i]!]!;
      for (let j = i + 1; j < count; j++) {
        const b = earns[order[j]!]!;
        if (a.key === b.key) return false;
        // Under default keys (the key is the identity) one comparison says both.
        if ((a.key !== a.identity || b.key !== b.identity) && a.identity === b.identity) return false;
      }
    }
    return true;
  }
  const keys = new Set<string>();
  const identities = new Set<string>();
  for (let i = 0; i < count; i++) {
    const earn = earns[order[i]!]!;
    if (keys.has(earn.key) || identities.has(earn.identity)) return false;
    keys.add(earn.key);
    identities.add(earn.identity);
  }
  return true;
}

function creditOnOwnLot(entry: LedgerEntry): number {
  let credit = 0;
  for (const movement of entry.movements) if (movement.lotId === entry.eventKey && movement.points > 0) credit += movement.points;
  return entry.kind === 'earn' || entry.kind === 'adjust' ? credit : 0;
}

function compareGroups(a: EffectGroup, b: EffectGroup): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0;
}

function effectReason(group: EffectGroup, causeKey: string, fact: ReplayFact | null, tierId: string | undefined): string {
  const total = group.movements.total();
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
function recordedGroups(entries: readonly LedgerEntry[]): EffectGroups {
  const groups = new EffectGroups();
  for (const entry of entries) {
    const group = groups.at(entry.kind, entry.eventKey, entry.memberId, entry.at.getTime());
    for (const movement of entry.movements) group.movements.add(movement.lotId, movement.points);
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
function diffGroups(projected: EffectGroups, recorded: EffectGroups, lapseHorizonMs: number, lots: LedgerReplay['lots']): EffectGroup[] {
  const out: EffectGroup[] = [];
  // A lot lapsing at its own expiry after the horizon waits for an expiry run;
  // points returned to a lapsed lot lapse with the event that returned them.
  const beyond = (kind: LedgerEntryKind, atMs: number, lotId: string) => kind === 'expire' && atMs > lapseHorizonMs && lots.get(lotId)?.expiresAtMs === atMs;
  for (const group of projected.values()) {
    if (beyond(group.kind, group.atMs, group.eventKey)) continue;
    const before = recorded.find(group.kind, group.eventKey, group.atMs);
    const delta: EffectGroup = { kind: group.kind, eventKey: group.eventKey, memberId: group.memberId, atMs: group.atMs, movements: new LotMovements(), debt: group.debt - (before?.debt ?? 0), forgiven: group.forgiven - (before?.forgiven ?? 0) };
    for (let i = 0; i < group.movements.size; i++) {
      const lot = group.movements.lotAt(i);
      const change = group.movements.pointsAt(i) - (before?.movements.get(lot) ?? 0);
      if (change !== 0) delta.movements.add(lot, change);
    }
    if (before !== undefined) {
      for (let i = 0; i < before.movements.size; i++) {
        const lot = before.movements.lotAt(i);
        const moved = before.movements.pointsAt(i);
        if (!group.movements.has(lot) && moved !== 0) delta.movements.add(lot, -moved);
      }
    }
    if (delta.movements.size > 0 || delta.debt !== 0 || delta.forgiven !== 0) out.push(delta);
  }
  for (const before of recorded.values()) {
    if (projected.find(before.kind, before.eventKey, before.atMs) !== undefined || beyond(before.kind, before.atMs, before.eventKey)) continue;
    const delta: EffectGroup = { kind: before.kind, eventKey: before.eventKey, memberId: before.memberId, atMs: before.atMs, movements: new LotMovements(), debt: -before.debt, forgiven: -before.forgiven };
    for (let i = 0; i < before.movements.size; i++) {
      const moved = before.movements.pointsAt(i);
      if (moved !== 0) delta.movements.add(before.movements.lotAt(i), -moved);
    }
    if (delta.movements.size > 0 || delta.debt !== 0 || delta.forgiven !== 0) out.push(delta);
  }
  return out;
}
