import { describe, expect, it } from 'vitest';
import { payloadHash, parse } from '../../src/core/index.js';
import { CustomerSchema, InteractionSchema, LeadSchema, OwnershipSchema, TransactionSchema, VehicleSchema } from '../../src/customer/index.js';
import { generateDemoDataset } from '../../src/cli/demo/generate.js';

describe('demo data generator', () => {
  const data = generateDemoDataset({ seed: 7, customers: 1500 });

  it('makes every record valid under the models', () => {
    data.customers.forEach((c, i) => parse(CustomerSchema, c, { path: `customers[${i}]` }));
    data.vehicles.forEach((v, i) => parse(VehicleSchema, v, { path: `vehicles[${i}]` }));
    data.ownerships.forEach((o, i) => parse(OwnershipSchema, o, { path: `ownerships[${i}]` }));
    data.transactions.forEach((t, i) => parse(TransactionSchema, t, { path: `transactions[${i}]` }));
    data.interactions.forEach((x, i) => parse(InteractionSchema, x, { path: `interactions[${i}]` }));
    data.leads.forEach((l, i) => parse(LeadSchema, l, { path: `leads[${i}]` }));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(payloadHash(generateDemoDataset({ seed: 7, customers: 1500 }))).toBe(payloadHash(data));
    expect(payloadHash(generateDemoDataset({ seed: 8, customers: 1500 }))).not.toBe(payloadHash(data));
  });

  it('has the requested size, all three dealers, history inside the window and unique ids', () => {
    expect(data.customers).toHaveLength(1500);
    expect(new Set(data.customers.map((c) => c.dealerId)).size).toBe(3);
    for (const t of data.transactions) {
      expect(t.at.getTime()).toBeGreaterThanOrEqual(data.start.getTime());
      expect(t.at.getTime()).toBeLessThanOrEqual(data.asOf.getTime());
    }
    for (const list of [data.customers, data.vehicles, data.transactions, data.interactions]) {
      expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
    }
    const ros = data.transactions.filter((t) => t.type === 'repair_order').length;
    const sales = data.transactions.filter((t) => t.type === 'vehicle_sale').length;
    // Two to four service visits a year over a car's first years: several ROs per sale.
    expect(ros / sales).toBeGreaterThan(3);
    expect(ros / sales).toBeLessThan(15);
  });
});
