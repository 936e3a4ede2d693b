import { describe, expect, it } from 'vitest';
import { parse } from '../../src/core/index.js';
import { CustomerSchema, LeadSchema, OwnershipSchema, TransactionSchema, VehicleSchema } from '../../src/customer/index.js';
import { issuesOf } from '../support/errors.js';
import { repairOrderInput } from '../support/transactions.js';
import { person } from '../support/customers.js';

const customer = person({ id: 'C-1', createdAt: '2023-04-01T10:00:00+08:00', updatedAt: '2024-04-01T10:00:00+08:00' });

describe('CustomerSchema', () => {
  it('parses instants to Dates, normalises contact points and fills defaults', () => {
    const parsed = parse(CustomerSchema, {
      ...customer,
      contactPoints: [
        { kind: 'mobile', value: '138 1234 5678', consents: [{ purpose: 'marketing', channel: 'sms', status: 'granted', at: '2023-04-01T10:00:00+08:00', source: 'paper_form' }] },
        { kind: 'email', value: ' Wang.Fang@Example.CN ' },
      ],
    });
    expect(parsed.createdAt).toEqual(new Date('2023-04-01T02:00:00Z'));
    expect(parsed.contactPoints[0]!.value).toBe('+8613812345678');
    expect(parsed.contactPoints[0]!.consents[0]!.at).toBeInstanceOf(Date);
    expect(parsed.contactPoints[1]!.value).toBe('wang.fang@example.cn');
    expect(parsed.tags).toEqual([]);
  });

  it('keeps Chinese text including supplementary-plane characters', () => {
    expect(parse(CustomerSchema, { ...customer, name: '刘䶮' }).name).toBe('刘䶮');
    expect(parse(CustomerSchema, { ...customer, name: '𠀀𪚥' }).name).toBe('𠀀𪚥');
  });

  it('rejects unknown keys, bad contact points and inconsistent records with paths', () => {
    expect(issuesOf(() => parse(CustomerSchema, { ...customer, nmae: 'x' }))[0]!.message).toContain('nmae');
    expect(issuesOf(() => parse(CustomerSchema, { ...customer, contactPoints: [{ kind: 'mobile', value: '12345' }] }))[0]!.path).toBe('contactPoints[0].value');
    expect(issuesOf(() => parse(CustomerSchema, { ...customer, updatedAt: '2020-01-01T00:00:00Z' }))[0]!.path).toBe('updatedAt');
    expect(issuesOf(() => parse(CustomerSchema, { ...customer, kind: 'organisation' }))[0]!.path).toBe('type');
    expect(issuesOf(() => parse(CustomerSchema, { ...customer, birthday: '1990-02-30' }))[0]!.path).toBe('birthday');
  });
});

describe('VehicleSchema', () => {
  const vehicle = { id: 'V-1', vin: 'lfv2a21kxb3012345', make: 'Volkswagen', model: 'Sagitar', modelYear: 2011 };

  it('normalises and validates the VIN', () => {
    expect(parse(VehicleSchema, vehicle).vin).toBe('LFV2A21KXB3012345');
    const issues = issuesOf(() => parse(VehicleSchema, { ...vehicle, vin: 'LFV2A21K8B3012345' }));
    expect(issues[0]).toEqual({ path: 'vin', message: 'VIN check character at position 9 is 8, but the other characters call for X' });
  });

  it('rejects negative odometer readings and inverted warranty dates', () => {
    const issues = issuesOf(() =>
      parse(VehicleSchema, { ...vehicle, odometer: [{ at: '2024-01-01T00:00:00Z', km: -5, source: 'repair_order' }], warrantyStart: '2024-01-01', warrantyEnd: '2023-01-01' }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['odometer[0].km', 'warrantyEnd']);
    expect(issuesOf(() => parse(VehicleSchema, { ...vehicle, warrantyStart: '2024-01-01', warrantyEnd: '2023-01-01' }))[0]!.path).toBe('warrantyEnd');
  });
});

describe('TransactionSchema', () => {
  const ro = repairOrderInput({ dealerId: 'D-1', customerId: 'C-1', vehicleId: 'V-1' });

  it('parses each kind of transaction', () => {
    const parsed = parse(TransactionSchema, ro);
    expect(parsed.type).toBe('repair_order');
    if (parsed.type === 'repair_order') expect(parsed.lines[0]!.payType).toBe('customer');
    const sale = parse(TransactionSchema, { type: 'vehicle_sale', id: 'S-1', dealerId: 'D-1', customerId: 'C-1', vehicleId: 'V-1', at: '2024-03-02T10:00:00Z', currency: 'CNY', revenueMinor: 15_000_000, grossProfitMinor: -20_000, saleKind: 'new' });
    expect(sale.grossProfitMinor).toBe(-20_000);
  });

  it('rejects a negative quantity, an unknown currency, an unknown type and totals that disagree with the lines', () => {
    const negative = { ...ro, lines: [{ ...ro.lines[0], quantity: -1 }, ro.lines[1]] };
    expect(issuesOf(() => parse(TransactionSchema, negative))).toContainEqual({ path: 'lines[0].quantity', message: 'quantity must be positive' });
    expect(issuesOf(() => parse(TransactionSchema, { ...ro, currency: 'RMB' }))[0]!.path).toBe('currency');
    expect(issuesOf(() => parse(TransactionSchema, { ...ro, type: 'lease' }))[0]!.path).toBe('type');
    expect(issuesOf(() => parse(TransactionSchema, { ...ro, revenueMinor: 80001 }))[0]).toEqual({ path: 'revenueMinor', message: 'revenueMinor is 80001 but the lines sum to 80000' });
    expect(issuesOf(() => parse(TransactionSchema, { ...ro, revenueMinor: 800.5 }))[0]!.path).toBe('revenueMinor');
  });
});

describe('OwnershipSchema and LeadSchema', () => {
  it('reject periods that end before they start', () => {
    expect(issuesOf(() => parse(OwnershipSchema, { id: 'O-1', customerId: 'C-1', vehicleId: 'V-1', role: 'owner', from: '2024-01-01T00:00:00Z', to: '2023-01-01T00:00:00Z' }))[0]!.path).toBe('to');
  });

  it('fill AWARE answers with unknown and require a budget currency', () => {
    const lead = parse(LeadSchema, { id: 'L-1', dealerId: 'D-1', source: 'web', stage: 'new', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' });
    expect(lead.aware).toEqual({ ability: 'unknown', want: 'unknown', authority: 'unknown', reasonable: 'unknown', eligible: 'unknown' });
    expect(issuesOf(() => parse(LeadSchema, { id: 'L-1', dealerId: 'D-1', source: 'web', stage: 'new', interest: { budgetMinor: 100 }, createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' }))[0]!.path).toBe('interest.currency');
  });
});
