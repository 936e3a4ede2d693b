/**
 * A nightly scoring job over PostgreSQL: the facade's segmentation and
 * retention jobs stream the tenant from storage a page at a time and write a
 * result record per customer, which marketing lists then filter on.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx examples/nightly-scoring-job/job.ts
 *
 * Without DATABASE_URL it runs on PGlite in memory (the same SQL, embedded).
 * It works in its own schema and drops it at the end.
 */
import { connectPgSqlDriver, createPostgresStorage, openPgliteSqlDriver } from 'dealer-crm/adapters/postgres';
import { createCrm, createStaticKeyProvider, crmStorageRegistry, type CrmCallContext } from 'dealer-crm/crm';
import { defaultLoyaltyProgramConfig, defineLoyaltyProgram } from 'dealer-crm/loyalty';

const schema = `nightly_example_${process.pid}`;
const sql = process.env.DATABASE_URL ? await connectPgSqlDriver({ connectionString: process.env.DATABASE_URL }) : await openPgliteSqlDriver();
const storage = await createPostgresStorage({ sql, schema, registry: crmStorageRegistry });
const program = defineLoyaltyProgram({ ...defaultLoyaltyProgramConfig, id: 'club', name: 'Owners club' });
const crm = createCrm({
  storage,
  programs: [program],
  // 32 bytes from your KMS in production.
  keys: { provider: createStaticKeyProvider({ keys: { k1: new Uint8Array(32).fill(7) }, currentKeyId: 'k1' }) },
});

const staff: CrmCallContext = { tenantId: 'yrd-group', actor: { userId: 'U-1', role: 'dealer_staff', dealerId: 'D-SH-01' }, purpose: 'after_sales' };
const scheduler: CrmCallContext = { tenantId: 'yrd-group', actor: { userId: 'cron', role: 'system' }, purpose: 'analytics' };

try {
  // A small history: thirty customers with one to eight service visits each.
  const start = Date.parse('2023-01-10T02:00:00Z');
  for (let c = 1; c <= 30; c++) {
    const id = `C-${c}`;
    await crm.customers.upsert(staff, {
      idempotencyKey: `upsert-${id}`,
      customer: {
        id, kind: 'person', type: 'private', name: `客户${c}`, dealerId: 'D-SH-01', source: 'walk_in', lifecycleStage: 'customer',
        contactPoints: [{ kind: 'mobile', value: `1380000${String(c).padStart(4, '0')}`, consents: [{ purpose: 'marketing', channel: 'sms', status: 'granted', at: '2023-01-01T00:00:00Z', source: 'paper_form' }] }],
        createdAt: '2023-01-01T00:00:00Z', updatedAt: '2023-01-01T00:00:00Z',
      },
    });
    for (let v = 0; v < 1 + (c % 8); v++) {
      const labor = 20_000 + 1_000 * c + ((v * 7919 + c * 104_729) % 11) * 2_500; // spend varies from visit to visit
      await crm.transactions.record(staff, {
        idempotencyKey: `ro-${id}-${v}`,
        transaction: {
          type: 'repair_order', id: `RO-${c}-${v}`, dealerId: 'D-SH-01', customerId: id, vehicleId: `V-${c}`,
          at: new Date(start + (v * 120 + c) * 86_400_000), currency: 'CNY', serviceKind: 'maintenance',
          revenueMinor: labor + 40_000, grossProfitMinor: labor,
          lines: [{ category: 'labor', quantity: 1, revenueMinor: labor, costMinor: 0 }, { category: 'parts', quantity: 1, revenueMinor: 40_000, costMinor: 40_000 }],
        },
      });
    }
  }

  // The nightly run: one key per night makes a re-run of the same night a replay.
  const asOf = new Date('2025-12-01T00:00:00Z');
  const segments = await crm.jobs.segmentation(scheduler, { idempotencyKey: 'segmentation-2025-12-01', asOf });
  const retention = await crm.jobs.retention(scheduler, { idempotencyKey: 'retention-2025-12-01', asOf, discountRate: 0.008, marginRate: 0.35 });
  for (const zone of segments.pyramid) console.log(`${zone.label}: ${zone.customerCount} customers, ${((zone.profitShare ?? 0) * 100).toFixed(1)}% of profit`);
  const { r, alpha, a, b } = retention.bgNbd;
  console.log(`BG/NBD r=${r.toFixed(3)} α=${alpha.toFixed(2)} a=${a.toFixed(3)} b=${b.toFixed(3)}; churn bands ${JSON.stringify(retention.churnBands)}; 3-year CLV ¥${(retention.totalClvMinor / 100).toFixed(2)}`);

  // Tomorrow's campaign: customers in the top zone who consented to marketing SMS.
  const marketer: CrmCallContext = { tenantId: 'yrd-group', actor: { userId: 'M-1', role: 'dealer_marketing', dealerId: 'D-SH-01' }, purpose: 'marketing' };
  const list = await crm.marketing.contactList(marketer, { channel: 'sms', segment: { pyramidZone: 'top' }, at: asOf });
  console.log(`top-zone SMS list: ${list.contacts.length} customers`);
} finally {
  // Clean up the example's schema, then close.
  await sql.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await storage.close();
}
