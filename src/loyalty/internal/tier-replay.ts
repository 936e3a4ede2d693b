import type { LoyaltyMember } from '../member.js';
import type { ProgramContext } from './context.js';
import { contributeFact, type ReplayFact } from './replay.js';
import { TierEngine } from './tier-engine.js';

/**
 * The tier engine after the facts dated up to `untilMs` (sorted facts), moved
 * on to `untilMs` (reviews and grace ends included).
 *
 * @internal
 */
export function tiersAt(ctx: ProgramContext, facts: readonly ReplayFact[], members: ReadonlyMap<string, LoyaltyMember>, untilMs: number): TierEngine {
  const engine = new TierEngine(ctx, members);
  for (const member of members.values()) engine.track(member.id);
  const seen = new Map<string, ReplayFact>();
  for (const fact of facts) {
    if (fact.atMs > untilMs) break;
    engine.advanceTo(fact.atMs);
    seen.set(fact.key, fact);
    contributeFact(ctx, engine, fact, seen);
  }
  engine.advanceTo(untilMs);
  return engine;
}
