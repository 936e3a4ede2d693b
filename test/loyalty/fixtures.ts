import { expect } from 'vitest';
import type { CrmError, CrmErrorCode } from 'dealer-crm/core';
import type { TransactionInput } from 'dealer-crm/customer';
import {
  defineLoyaltyProgram,
  type LedgerEntry,
  type LoyaltyMemberInput,
  type LoyaltyProgram,
  type LoyaltyProgramInput,
  type LoyaltyWriteResult,
} from 'dealer-crm/loyalty';
import { crmErrorOf as sharedCrmErrorOf } from '../support/errors.js';

/**
 * A small program for hand-computed tests: 1 point per yuan of customer-paid
 * labor and parts, 0.1 per yuan on cars, floor rounding, expiry at the end of
 * the month 24 months on, tiers silver (0) / gold (5,000, ×1.5) / platinum
 * (20,000, ×2) on qualifying points over a rolling 12 months, reviewed every
 * 1 January, no grace. Shanghai time.
 */
export const testProgramConfig: LoyaltyProgramInput = {
  id: 'club',
  name: 'Test club',
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
  earning: {
    rates: { vehicle_sale: 0.1, repair_order: { labor: 1, parts: 1 }, parts_sale: { parts: 1 } },
    rounding: 'floor',
  },
  bonuses: {
    welcome: { points: 2000, withinDays: 30 },
    birthday: { points: 500, windowDays: 30 },
    referral: { points: 3000 },
    campaigns: [],
  },
  expiry: { kind: 'after_months', months: 24, at: 'end_of_month' },
  tiers: {
    basis: 'qualifying_points',
    window: { kind: 'rolling', months: 12 },
    review: { kind: 'yearly', month: 1, day: 1 },
    graceDays: 0,
    levels: [
      { id: 'silver', name: 'Silver', threshold: 0, quotas: { wash: 2 } },
      { id: 'gold', name: 'Gold', threshold: 5000, earnMultiplier: 1.5, quotas: { wash: 6, wax: 2 }, discounts: { labor: 0.1 } },
      { id: 'platinum', name: 'Platinum', threshold: 20000, earnMultiplier: 2, quotas: { wash: 12, wax: 4, inspection: 6 }, discounts: { labor: 0.3, parts: 0.05 } },
    ],
  },
  benefits: {
    catalogue: [
      { id: 'wash', name: 'Car wash' },
      { id: 'wax', name: 'Wax' },
      { id: 'inspection', name: 'Multi-point inspection' },
    ],
  },
  rewards: [
    { id: 'voucher', name: 'Service voucher', points: 1000 },
    { id: 'mats', name: 'Floor mats', points: 5000 },
  ],
};

/** The test program, optionally with changes. */
export function testProgram(changes: Partial<LoyaltyProgramInput> = {}): LoyaltyProgram {
  return defineLoyaltyProgram({ ...testProgramConfig, ...changes });
}

/** A member of the test program who joined on 1 January 2024 (Shanghai). */
export const alice: LoyaltyMemberInput = {
  id: 'M-1',
  programId: 'club',
  customerId: 'C-1',
  joinedAt: '2024-01-01T00:00:00+08:00',
  birthday: '1990-06-12',
};

/** A repair order as accepted on input. */
export type RepairOrderInput = Extract<TransactionInput, { type: 'repair_order' }>;

/** A repair order of customer C-1 with one labor and one parts line (amounts in fen). */
export function repairOrder(id: string, at: string, laborMinor: number, partsMinor: number, extra: { customerId?: string; payType?: 'customer' | 'warranty' | 'internal' | 'insurance' } = {}): RepairOrderInput {
  return {
    type: 'repair_order',
    id,
    dealerId: 'D-1',
    customerId: extra.customerId ?? 'C-1',
    vehicleId: 'V-1',
    at,
    currency: 'CNY',
    serviceKind: 'maintenance',
    revenueMinor: laborMinor + partsMinor,
    grossProfitMinor: laborMinor + partsMinor,
    lines: [
      { category: 'labor', quantity: 1, revenueMinor: laborMinor, costMinor: 0, payType: extra.payType ?? 'customer' },
      { category: 'parts', quantity: 1, revenueMinor: partsMinor, costMinor: 0, payType: extra.payType ?? 'customer' },
    ],
  };
}

/** A ledger that appends the entries of each write, the way an adapter's stream would. */
export class Ledger {
  entries: LedgerEntry[] = [];

  /** Appends a write's new entries and returns the result. */
  add<R extends LoyaltyWriteResult>(result: R): R {
    this.entries = [...this.entries, ...result.entries];
    return result;
  }
}

/** Asserts that `fn` throws a CrmError with `code`, and returns it. */
export function crmErrorOf(fn: () => unknown, code: CrmErrorCode): CrmError {
  const error = sharedCrmErrorOf(fn);
  expect(error.code).toBe(code);
  return error;
}

export { issuesOf } from '../support/errors.js';
