/**
 * A client of the storage service: another backend reads and writes the
 * group's records through the HTTP adapter as if the store were local.
 * Starts the service in-process, uses it, and stops it.
 *
 *   npx tsx examples/http-service/client.ts
 */
import { connectCrmHttpStorage } from 'dealer-crm/adapters/http';
import { isCrmError } from 'dealer-crm/core';
import { startService } from './service.js';

const service = await startService();
try {
  const storage = await connectCrmHttpStorage({ baseUrl: service.url, headers: { authorization: 'Bearer token-yrd' }, timeoutMs: 5_000 });

  await storage.put('yrd-group', 'vehicles', { id: 'V-1', vin: 'LFV2A21KXB3012345', make: 'Volkswagen', model: 'Sagitar', modelYear: 2011 }, { expectedVersion: 0 });
  const vehicle = await storage.get('yrd-group', 'vehicles', 'V-1');
  console.log(`read back ${vehicle?.record.vin}, version ${vehicle?.version}`);

  // An idempotent append: the same key twice stores once.
  const repairOrder = {
    type: 'repair_order' as const, id: 'RO-1', dealerId: 'D-SH-01', customerId: 'C-1', vehicleId: 'V-1', at: new Date('2024-03-02T02:00:00Z'),
    currency: 'CNY', serviceKind: 'maintenance' as const, revenueMinor: 80_000, grossProfitMinor: 38_000,
    lines: [{ category: 'labor' as const, quantity: 1, revenueMinor: 30_000, costMinor: 12_000 }, { category: 'parts' as const, quantity: 1, revenueMinor: 50_000, costMinor: 30_000 }],
  };
  const first = await storage.append('yrd-group', 'transactions', 'C-1', [repairOrder], { idempotencyKey: 'dms-RO-1' });
  const again = await storage.append('yrd-group', 'transactions', 'C-1', [repairOrder], { idempotencyKey: 'dms-RO-1' });
  console.log(`stream version ${first.version} then ${again.version}; second was a replay: ${again.replayed}`);

  // The token is bound to yrd-group: another group's data is refused.
  try {
    await storage.get('gz-group', 'vehicles', 'V-1');
  } catch (error) {
    if (isCrmError(error, 'FORBIDDEN')) console.log('another group: FORBIDDEN');
    else throw error;
  }
} finally {
  await service.close();
}
