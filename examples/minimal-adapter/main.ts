/**
 * Runs the minimal Map-backed adapter through a few calls of the contract.
 * `npx tsx examples/minimal-adapter/main.ts`
 */
import { createCrmStorage } from 'dealer-crm/adapters';
import { createMapDriver } from './map-driver.js';

const storage = createCrmStorage(createMapDriver());
const tenant = 'group-1';

await storage.put(tenant, 'customers', {
  id: 'C-1',
  kind: 'person',
  type: 'private',
  name: '王芳',
  dealerId: 'D-SH-01',
  source: 'walk_in',
  lifecycleStage: 'customer',
  createdAt: '2024-04-01T10:00:00+08:00',
  updatedAt: '2024-04-01T10:00:00+08:00',
});
const found = await storage.get(tenant, 'customers', 'C-1');
console.log(found?.record.name, found?.version, found?.record.createdAt.toISOString());

const earned = await storage.append(tenant, 'loyalty_ledger', 'M-1', [{ type: 'earn', points: 120, at: '2024-04-01T10:05:00+08:00' }], { idempotencyKey: 'RO-1' });
const again = await storage.append(tenant, 'loyalty_ledger', 'M-1', [{ type: 'earn', points: 120, at: '2024-04-01T10:05:00+08:00' }], { idempotencyKey: 'RO-1' });
console.log(earned.version, again.replayed, await storage.streamVersion(tenant, 'loyalty_ledger', 'M-1'));
