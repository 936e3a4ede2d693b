import { describe, expect, test } from 'vitest';
import { canonicalJson, sha256Hex } from 'dealer-crm/core';
import { createMemoryStorage } from 'dealer-crm/adapters/memory';
import { CRM_AUDIT_GENESIS_HASH, crmAuditEntryHash, crmStorageRegistry, verifyAuditChain } from 'dealer-crm/crm';
import { adapterTargets, useAdapter } from './support/adapters.js';
import { auditChain, contexts, customerInput, freshTenant, makeCrm } from './support/fixtures.js';
import { groupSetup } from './support/scenarios.js';

/** A tenant whose chain holds the group's setup and a few reads. */
async function chainedTenant() {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  const crm = makeCrm(storage);
  await groupSetup(crm, tenantId);
  const ctx = contexts(tenantId);
  await crm.customers.get(ctx.analyst(), { customerId: 'C-1' });
  await crm.customers.view(ctx.staff(), { customerId: 'C-1' });
  return { tenantId, storage, crm, ctx, chain: await auditChain(storage, tenantId) };
}

/** The chain written into a fresh storage as someone with database access left it. */
async function tampered(entries: readonly unknown[]) {
  const tenantId = freshTenant();
  const storage = createMemoryStorage({ registry: crmStorageRegistry });
  for (const entry of entries) await storage.append(tenantId, 'audit_log', 'chain', [entry as never]);
  return verifyAuditChain(storage, { tenantId });
}

describe('the audit chain', () => {
  test('links every entry to the one before by the SHA-256 of its canonical JSON', async () => {
    const { chain } = await chainedTenant();
    expect(chain.length).toBeGreaterThan(10);
    expect(chain[0]!.prevHash).toBe(CRM_AUDIT_GENESIS_HASH);
    chain.forEach((entry, index) => {
      expect(entry.seq).toBe(index + 1);
      if (index > 0) expect(entry.prevHash).toBe(chain[index - 1]!.hash);
      // The hash, recomputed here from the definition: SHA-256 over the canonical JSON of all other fields.
      const { hash, ...body } = entry;
      expect(hash).toBe(sha256Hex(canonicalJson(body)));
      expect(crmAuditEntryHash(entry)).toBe(hash);
    });
  });

  test('records who, which customer, which fields, for what purpose, when and with what outcome', async () => {
    const { chain } = await chainedTenant();
    const view = chain.at(-1)!;
    expect(view).toMatchObject({
      action: 'customers.view',
      actorId: 'U-staff-D-1',
      role: 'dealer_staff',
      actorDealerId: 'D-1',
      purpose: 'customer_service',
      outcome: 'ok',
      customerIds: ['C-1'],
      customerCount: 1,
      visibility: 'full',
    });
    expect(view.fields).toEqual(expect.arrayContaining(['name', 'mobile', 'idNumber', 'interactionNotes']));
    expect(view.at).toEqual(new Date('2024-06-01T10:00:00+08:00'));
  });

  test('verifies as intact, and reports the head hash to anchor the next check on', async () => {
    const { storage, tenantId, chain } = await chainedTenant();
    const report = await verifyAuditChain(storage, { tenantId });
    expect(report).toEqual({ valid: true, entries: chain.length, headHash: chain.at(-1)!.hash, problems: [] });
    expect((await verifyAuditChain(storage, { tenantId, anchor: { position: 3, hash: chain[2]!.hash } })).valid).toBe(true);
  });

  test('detects an edited entry', async () => {
    const { chain } = await chainedTenant();
    const edited = chain.map((entry, index) => (index === 4 ? { ...entry, actorId: 'U-somebody-else' } : entry));
    const report = await tampered(edited);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ position: 5, problem: 'hash_mismatch' })]);
  });

  test('detects an edited entry whose hash was recomputed: the next entry no longer links to it', async () => {
    const { chain } = await chainedTenant();
    const edited = chain.map((entry, index) => {
      if (index !== 4) return entry;
      const changed = { ...entry, purpose: 'marketing' };
      return { ...changed, hash: crmAuditEntryHash(changed) };
    });
    const report = await tampered(edited);
    expect(report.problems).toEqual([expect.objectContaining({ position: 6, problem: 'broken_link' })]);
  });

  test('detects a deleted entry', async () => {
    const { chain } = await chainedTenant();
    const report = await tampered([...chain.slice(0, 3), ...chain.slice(4)]);
    expect(report.valid).toBe(false);
    expect(report.problems[0]).toMatchObject({ position: 4, problem: 'sequence_mismatch' });
    expect(report.problems.map((problem) => problem.problem)).toContain('broken_link');
  });

  test('detects reordered entries', async () => {
    const { chain } = await chainedTenant();
    const reordered = [...chain];
    [reordered[6], reordered[7]] = [reordered[7]!, reordered[6]!];
    const report = await tampered(reordered);
    expect(report.problems.filter((problem) => problem.position === 7 || problem.position === 8).map((problem) => problem.problem)).toEqual(
      expect.arrayContaining(['sequence_mismatch', 'broken_link']),
    );
  });

  test('detects a chain cut short, against an anchor kept elsewhere', async () => {
    const { chain } = await chainedTenant();
    const anchor = { position: chain.length, hash: chain.at(-1)!.hash };
    const tenantId = freshTenant();
    const storage = createMemoryStorage({ registry: crmStorageRegistry });
    for (const entry of chain.slice(0, -2)) await storage.append(tenantId, 'audit_log', 'chain', [entry as never]);
    expect((await verifyAuditChain(storage, { tenantId })).valid).toBe(true); // without an anchor, a cut is invisible
    expect((await verifyAuditChain(storage, { tenantId, anchor })).problems).toEqual([expect.objectContaining({ position: anchor.position, problem: 'anchor_missing' })]);
  });

  test('answers who looked at a customer and what a user looked at, each entry checked against the chain', async () => {
    const { crm, ctx } = await chainedTenant();
    const trail = await crm.audit.customerAccess(ctx.auditor(), { customerId: 'C-1', verify: true });
    expect(trail.entries.map((entry) => `${entry.actorId} ${entry.action} ${entry.purpose}`)).toEqual(
      expect.arrayContaining(['U-staff-D-1 customers.upsert customer_service', 'U-group_analyst customers.get analytics', 'U-staff-D-1 customers.view customer_service']),
    );
    expect(trail.entries.every((entry) => entry.verified === true)).toBe(true);
    const activity = await crm.audit.userActivity(ctx.auditor(), { userId: 'U-group_analyst' });
    expect(activity.entries.map((entry) => [entry.action, entry.customerIds])).toEqual([['customers.get', ['C-1']]]);
    // Paging.
    const page = await crm.audit.customerAccess(ctx.auditor(), { customerId: 'C-1', limit: 2 });
    expect(page.entries).toHaveLength(2);
    expect(page.nextPosition).toBe(3);
  });

  test('the audit service verifies the chain too, and its own reads are audited', async () => {
    const { crm, ctx, storage, tenantId } = await chainedTenant();
    expect(await crm.audit.verifyChain(ctx.auditor(), {})).toMatchObject({ valid: true, problems: [] });
    expect((await auditChain(storage, tenantId)).at(-1)).toMatchObject({ action: 'audit.verifyChain', actorId: 'U-auditor' });
  });

  test('a dealer-scoped reader of audit trails is refused another user’s trail', async () => {
    const { crm, ctx } = await chainedTenant();
    await expect(crm.audit.userActivity(ctx.staff(), { userId: 'U-group_analyst' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe.each(adapterTargets.filter((target) => target.kind === 'sql'))('the audit chain as $name stores it', (target) => {
  const opened = useAdapter(target);

  test('an entry edited in the table is caught', async () => {
    const tenantId = freshTenant();
    const storage = opened().client();
    const crm = makeCrm(storage);
    const ctx = contexts(tenantId);
    await crm.customers.upsert(ctx.staff(), { idempotencyKey: 'c', customer: customerInput('C-1') });
    await crm.customers.get(ctx.analyst(), { customerId: 'C-1' });
    await crm.customers.get(ctx.staff(), { customerId: 'C-1' });
    expect((await verifyAuditChain(storage, { tenantId })).valid).toBe(true);
    // Hide that the analyst looked: rewrite the actor of entry 2 directly in PostgreSQL.
    await opened().sql!.query(
      `UPDATE "${opened().schema}".stream_entries SET payload = jsonb_set(payload, '{actorId}', '"U-nobody"') WHERE tenant_id = $1::text AND kind = 'audit_log' AND stream_id = 'chain' AND position = 2`,
      [tenantId],
    );
    expect((await verifyAuditChain(storage, { tenantId })).problems).toEqual([expect.objectContaining({ position: 2, problem: 'hash_mismatch' })]);
  });
});
