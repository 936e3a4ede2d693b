/** Transaction fixtures of the customer module, shared by the modules' tests. */
import type { TransactionInput } from 'dealer-crm/customer';

/** The input of a repair-order transaction. */
export type RepairOrderInput = Extract<TransactionInput, { type: 'repair_order' }>;

/**
 * A valid repair order RO-1 of customer C1 at dealer D1, for vehicle V1, on
 * 2024-03-02: 800.00 CNY of maintenance, labour 300.00 (cost 120.00) + parts
 * 500.00 (cost 300.00), so a gross profit of 380.00. `overrides` replace fields.
 */
export function repairOrderInput(overrides: Partial<RepairOrderInput> = {}): RepairOrderInput {
  return {
    type: 'repair_order',
    id: 'RO-1',
    dealerId: 'D1',
    customerId: 'C1',
    vehicleId: 'V1',
    at: '2024-03-02T10:00:00+08:00',
    currency: 'CNY',
    serviceKind: 'maintenance',
    // revenue 30000 + 50000 = 80000; profit (30000 − 12000) + (50000 − 30000) = 38000
    revenueMinor: 80000,
    grossProfitMinor: 38000,
    lines: [
      { category: 'labor', quantity: 1.5, revenueMinor: 30000, costMinor: 12000 },
      { category: 'parts', quantity: 1, revenueMinor: 50000, costMinor: 30000 },
    ],
    ...overrides,
  };
}
