import { z } from 'zod';
import { IdSchema, parse } from '../core/index.js';
import { CRM_AUDIT_CHAIN_STREAM, CRM_AUDIT_GENESIS_HASH, crmAuditEntryHash, type CrmAuditEntry } from './audit-chain.js';
import type { CrmFacadeStorage } from './storage-registry.js';

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected a SHA-256 hash: 64 lower-case hex digits' });

/** Options of {@link verifyAuditChain}. */
export const VerifyAuditChainOptionsSchema = z.strictObject({
  tenantId: IdSchema,
  /**
   * A hash kept outside the storage (a checkpoint published to another
   * system, the `headHash` of an earlier verification): the chain must still
   * hold exactly this entry at this position. Without an anchor, deleting
   * the newest entries and nothing else cannot be told from their never
   * having been written.
   */
  anchor: z.strictObject({ position: z.number().int().positive(), hash: HashSchema }).optional(),
  /** Entries read per round trip, 1 to 1000 (default 500): the memory the check holds. */
  pageSize: z.number().int().min(1).max(1000).default(500),
});

/** Options of {@link verifyAuditChain}, as accepted. */
export type VerifyAuditChainOptions = z.input<typeof VerifyAuditChainOptionsSchema>;

/**
 * What is wrong at a position of the chain:
 * - `malformed` — the entry lacks its sequence number or hashes;
 * - `sequence_mismatch` — the entry says it belongs at another position (entries deleted, inserted or moved);
 * - `broken_link` — its `prevHash` is not the hash of the entry before it;
 * - `hash_mismatch` — its content no longer gives its hash (the entry was edited);
 * - `anchor_mismatch` / `anchor_missing` — the anchored entry changed, or is gone (the chain was cut short).
 */
export type CrmAuditChainProblemKind = 'malformed' | 'sequence_mismatch' | 'broken_link' | 'hash_mismatch' | 'anchor_mismatch' | 'anchor_missing';

/** One problem found by {@link verifyAuditChain}. */
export interface CrmAuditChainProblem {
  readonly position: number;
  readonly problem: CrmAuditChainProblemKind;
  readonly message: string;
}

/** The report of {@link verifyAuditChain}. */
export interface CrmAuditChainReport {
  /** Whether the chain is intact (no problem found). */
  readonly valid: boolean;
  /** How many entries were checked. */
  readonly entries: number;
  /** The hash of the last entry (`null` for an empty chain): keep it as the next anchor. */
  readonly headHash: string | null;
  /** Every problem found, in chain order (at most 100). */
  readonly problems: readonly CrmAuditChainProblem[];
}

const MAX_PROBLEMS = 100;

/**
 * Verifies a tenant's audit chain from its first entry: every entry is at
 * the position it names, links to the hash of the entry before it, and
 * still hashes to its own `hash` (SHA-256 over its canonical JSON). Editing,
 * deleting, inserting or reordering entries breaks at least one of these;
 * an anchor kept elsewhere also catches a chain cut short. Streams the chain
 * a page at a time.
 *
 * @throws `ValidationError` for bad options.
 * @example
 * ```ts
 * const report = await verifyAuditChain(storage, { tenantId: 'group-sh' });
 * if (!report.valid) console.error(report.problems);
 * ```
 */
export async function verifyAuditChain(storage: Pick<CrmFacadeStorage, 'iterateStream'>, options: VerifyAuditChainOptions): Promise<CrmAuditChainReport> {
  const { tenantId, anchor, pageSize } = parse(VerifyAuditChainOptionsSchema, options, { label: 'audit chain verification options', path: 'options' });
  const problems: CrmAuditChainProblem[] = [];
  const report = (position: number, problem: CrmAuditChainProblemKind, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ position, problem, message });
  };
  let previous = CRM_AUDIT_GENESIS_HASH;
  let entries = 0;
  let anchorSeen = false;
  for await (const entry of storage.iterateStream(tenantId, 'audit_log', CRM_AUDIT_CHAIN_STREAM, { pageSize })) {
    entries += 1;
    const position = entry.position;
    const payload = entry.payload as unknown as Partial<CrmAuditEntry>;
    const stored = typeof payload.hash === 'string' ? payload.hash : null;
    if (typeof payload.seq !== 'number' || typeof payload.prevHash !== 'string' || stored === null) {
      report(position, 'malformed', `the entry at position ${position} has no sequence number or hashes`);
      previous = stored ?? '';
      continue;
    }
    if (payload.seq !== position) report(position, 'sequence_mismatch', `the entry at position ${position} says it is entry ${payload.seq}: entries were deleted, inserted or moved`);
    if (payload.prevHash !== previous) report(position, 'broken_link', `the entry at position ${position} links to ${payload.prevHash}, but the entry before it hashes to ${previous}`);
    const computed = crmAuditEntryHash(payload as CrmAuditEntry);
    if (computed !== stored) report(position, 'hash_mismatch', `the entry at position ${position} hashes to ${computed}, not to its stored hash ${stored}: it was changed`);
    if (anchor !== undefined && position === anchor.position) {
      anchorSeen = true;
      if (stored !== anchor.hash) report(position, 'anchor_mismatch', `the anchored entry at position ${position} has hash ${stored}, not the anchored ${anchor.hash}`);
    }
    previous = stored;
  }
  if (anchor !== undefined && !anchorSeen) report(anchor.position, 'anchor_missing', `the chain has ${entries} entries; the anchored entry at position ${anchor.position} is gone`);
  return { valid: problems.length === 0, entries, headHash: entries === 0 ? null : previous, problems };
}
