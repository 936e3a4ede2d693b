import type { CustomerInput, InteractionInput, LeadInput, OwnershipInput, TransactionInput, VehicleInput } from '../../customer/models/index.js';

/*
 * Valid example records of every built-in collection and stream kind,
 * written by hand (not produced by the code under test).
 */

/** Valid VINs (check digit verified under ISO 3779). */
export const validVins = ['LSVAU21850N218329', 'LFV2A21K55E304512', '1M8GDM9AXKP042788'] as const;

/** A valid customer; `overrides` replace fields. */
export function customerInput(id: string, overrides: Partial<Record<keyof CustomerInput, unknown>> = {}): CustomerInput {
  return {
    id,
    kind: 'person',
    type: 'private',
    name: '王芳',
    dealerId: 'D-SH-01',
    source: 'walk_in',
    lifecycleStage: 'customer',
    createdAt: '2023-04-01T10:00:00+08:00',
    updatedAt: '2024-04-01T10:00:00+08:00',
    ...overrides,
  } as CustomerInput;
}

/** A valid vehicle. */
export function vehicleInput(id: string): VehicleInput {
  return {
    id,
    vin: validVins[0],
    make: '上汽大众',
    model: '帕萨特',
    modelYear: 2022,
    fuelType: 'petrol',
    plates: [{ plate: '沪A12345', from: '2022-05-01T00:00:00+08:00' }],
    odometer: [{ at: '2024-03-02T10:00:00+08:00', km: 18250, source: 'repair_order' }],
    purchaseDate: '2022-04-28',
    warrantyStart: '2022-04-28',
    warrantyEnd: '2025-04-27',
  };
}

/** A valid ownership. */
export function ownershipInput(id: string, customerId: string, vehicleId: string): OwnershipInput {
  return { id, customerId, vehicleId, role: 'owner', from: '2022-04-28T09:00:00+08:00' };
}

/** A valid lead. */
export function leadInput(id: string): LeadInput {
  return {
    id,
    dealerId: 'D-SH-01',
    source: 'web',
    stage: 'qualified',
    interest: { make: '比亚迪', model: '汉', budgetMinor: 25_000_000, currency: 'CNY', timeframe: 'within_3_months' },
    aware: { ability: 'yes', want: 'yes', authority: 'partly', reasonable: 'unknown', eligible: 'yes' },
    createdAt: '2024-05-01T09:00:00+08:00',
    updatedAt: '2024-05-02T09:00:00+08:00',
  };
}

/** A valid repair order of a customer, 800.00 CNY: labour 300.00 (cost 120.00) + parts 500.00 (cost 300.00). */
export function repairOrderInput(id: string, customerId: string): TransactionInput {
  return {
    type: 'repair_order',
    id,
    dealerId: 'D-SH-01',
    customerId,
    vehicleId: 'V-1',
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
  };
}

/** A valid interaction of a customer. */
export function interactionInput(id: string, customerId: string): InteractionInput {
  return { id, customerId, at: '2024-03-01T15:30:00+08:00', channel: 'wechat', direction: 'outbound', purpose: 'service_reminder', outcome: 'appointment_booked' };
}
