import { accrue, type LoyaltyProgram } from 'dealer-crm/loyalty';
import { Ledger, alice, repairOrder } from './fixtures.js';

/** Writes three earns by hand-checked amounts (parts only, 1 point per yuan). */
export function threeLots(program: LoyaltyProgram, asOf = '2026-06-01T00:00:00+08:00'): Ledger {
  const ledger = new Ledger();
  // L1 1,000 points on 10 Jan 2024 → usable until 31 Jan 2026 (gone 1 Feb 2026 00:00 Shanghai).
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-1', '2024-01-10T10:00:00+08:00', 0, 100_000) }, { asOf }));
  // L2 800 points on 5 Mar 2024 → usable until 31 Mar 2026.
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-2', '2024-03-05T10:00:00+08:00', 0, 80_000) }, { asOf }));
  // L3 500 points on 20 Feb 2024 → usable until 28 Feb 2026.
  ledger.add(accrue(program, alice, ledger.entries, { type: 'transaction', transaction: repairOrder('RO-3', '2024-02-20T10:00:00+08:00', 0, 50_000) }, { asOf }));
  return ledger;
}
