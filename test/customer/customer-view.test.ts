import { describe, expect, it } from 'vitest';
import { buildCustomerView, type CustomerViewInput, type InteractionInput, type TransactionInput } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';
import { person } from '../support/customers.js';

const asOf = '2024-07-01T00:00:00+08:00';
const at = (date: string) => `${date}T10:00:00+08:00`;

function ro(id: string, vehicleId: string, date: string, serviceKind: 'maintenance' | 'repair', revenueMinor: number, grossProfitMinor: number, odometerKm?: number): TransactionInput {
  return {
    type: 'repair_order', id, dealerId: 'D-1', customerId: 'C-1', vehicleId, at: at(date), currency: 'CNY', serviceKind, revenueMinor, grossProfitMinor,
    ...(odometerKm === undefined ? {} : { odometerKm }),
    lines: [{ category: 'labor', quantity: 1, revenueMinor, costMinor: revenueMinor - grossProfitMinor }],
  };
}

const transactions: TransactionInput[] = [
  { type: 'vehicle_sale', id: 'S1', dealerId: 'D-1', customerId: 'C-1', vehicleId: 'V-1', at: at('2020-01-01'), currency: 'CNY', revenueMinor: 15_000_000, grossProfitMinor: 800_000, saleKind: 'new' },
  ro('R1', 'V-1', '2023-01-10', 'maintenance', 80_000, 38_000, 20_000),
  ro('R2', 'V-1', '2023-07-10', 'maintenance', 60_000, 30_000), // 181 days after R1
  ro('R3', 'V-1', '2023-09-01', 'repair', 120_000, 50_000), // not routine: ignored for the interval
  ro('R4', 'V-1', '2024-01-05', 'maintenance', 70_000, 33_000, 31_000), // 179 days after R2
  ro('R5', 'V-2', '2021-05-01', 'maintenance', 50_000, 20_000),
  ro('R6', 'V-3', '2024-02-01', 'maintenance', 40_000, 18_000),
  { type: 'parts_sale', id: 'P1', dealerId: 'D-1', customerId: 'C-1', at: at('2024-03-01'), currency: 'CNY', revenueMinor: 10_000, grossProfitMinor: 4_000, lines: [{ category: 'parts', quantity: 2, revenueMinor: 10_000, costMinor: 6_000 }] },
];

const interactions: InteractionInput[] = Array.from({ length: 12 }, (_, i) => ({
  id: `I${String(i + 1).padStart(2, '0')}`, customerId: 'C-1', at: at(`2024-06-${String(i + 1).padStart(2, '0')}`), channel: 'phone', direction: 'outbound', purpose: 'follow_up',
}));

const input: CustomerViewInput = {
  customer: person({
    id: 'C-1',
    contactPoints: [{ kind: 'mobile', value: '13812345678', consents: [{ purpose: 'marketing', channel: 'sms', status: 'granted', at: '2023-01-01T00:00:00+08:00', source: 'paper_form' }] }],
  }),
  vehicles: [
    {
      id: 'V-1', vin: 'LFV2A21KXB3012345', make: 'Volkswagen', model: 'Sagitar', modelYear: 2011,
      plates: [{ plate: '沪A12345', from: '2020-01-01T00:00:00+08:00', to: '2023-01-01T00:00:00+08:00' }, { plate: '沪AD12345', from: '2023-01-01T00:00:00+08:00' }],
      odometer: [{ at: '2024-01-01T00:00:00+08:00', km: 30_000, source: 'customer' }],
    },
    { id: 'V-2', vin: '1M8GDM9AXKP042788', make: 'Ford', model: 'Mustang', modelYear: 2019 },
    { id: 'V-3', vin: '11111111111111111', make: 'BYD', model: 'Han', modelYear: 2023 },
    { id: 'V-4', vin: 'JH4KA7561PC008269', make: 'Acura', model: 'Legend', modelYear: 1993 },
  ],
  ownerships: [
    { id: 'O1', customerId: 'C-1', vehicleId: 'V-1', role: 'owner', from: '2020-01-01T00:00:00+08:00' },
    { id: 'O2', customerId: 'C-1', vehicleId: 'V-2', role: 'owner', from: '2018-01-01T00:00:00+08:00', to: '2022-06-01T00:00:00+08:00' },
    { id: 'O3', customerId: 'C-1', vehicleId: 'V-3', role: 'driver', from: '2024-01-01T00:00:00+08:00' },
    { id: 'O4', customerId: 'C-1', vehicleId: 'V-4', role: 'owner', from: '2024-09-01T00:00:00+08:00' }, // not yet
  ],
  transactions,
  interactions,
  complaints: [
    { id: 'K1', status: 'in_progress', openedAt: '2024-06-01T09:00:00+08:00', severity: 'high' },
    { id: 'K2', status: 'resolved', openedAt: '2024-02-01T09:00:00+08:00' },
    { id: 'K3', status: 'open', openedAt: '2024-05-01T09:00:00+08:00', customerId: 'C-1', slaDueAt: '2024-05-04T09:00:00+08:00' },
  ],
  asOf,
};

describe('buildCustomerView', () => {
  it('shows the vehicles held now, with plate, odometer and service', () => {
    const view = buildCustomerView(input);
    expect(view.vehicles.map((v) => [v.vehicle.id, v.roles, v.currentPlate ?? null, v.odometerKm ?? null])).toEqual([
      ['V-1', ['owner'], '沪AD12345', 31_000], // R4's 31,000 km (2024-01-05) is newer than the 30,000 km reading (2024-01-01)
      ['V-3', ['driver'], null, null],
    ]);
    expect(view.vehicles[0]!.lastService).toMatchObject({ transactionId: 'R4', serviceKind: 'maintenance', odometerKm: 31_000 });
    expect(view.pastVehicles.map((v) => [v.vehicle.id, v.to.toISOString()])).toEqual([['V-2', '2022-05-31T16:00:00.000Z']]);
  });

  it("expects the next service from the vehicle's own median interval, else the customer's", () => {
    const view = buildCustomerView(input);
    // V-1 routine gaps 181 and 179 days → median 180; 2024-01-05 + 180 days = 2024-07-03 (10:00 in Shanghai).
    expect(view.vehicles[0]!.nextServiceDue).toEqual({
      vehicleId: 'V-1',
      dueAt: new Date('2024-07-03T10:00:00+08:00'),
      basedOn: { kind: 'repair_order', transactionId: 'R4', at: new Date('2024-01-05T10:00:00+08:00') },
      intervalDays: 180,
      intervalSource: 'vehicle_median',
      overdue: false,
      daysUntilDue: 2, // 2 days 10 hours
    });
    // V-3 has one visit, no gap of its own: the customer's median 180 → 2024-02-01 + 180 = 2024-07-30.
    expect(view.vehicles[1]!.nextServiceDue).toMatchObject({ dueAt: new Date('2024-07-30T10:00:00+08:00'), intervalSource: 'customer_median' });
    expect(view.nextServiceDue?.vehicleId).toBe('V-1');
    expect(view.lastService?.transactionId).toBe('R6'); // 2024-02-01, the latest repair order of any vehicle

    // Too little history for the medians: the default interval, here 150 days → 2024-06-03, overdue.
    const strict = buildCustomerView({ ...input, minServiceIntervals: 3, serviceIntervalDays: 150 });
    // asOf − due = 27 days 14 hours → daysUntilDue = floor(−27.58) = −28.
    expect(strict.vehicles[0]!.nextServiceDue).toMatchObject({ dueAt: new Date('2024-06-03T10:00:00+08:00'), intervalSource: 'default', overdue: true, daysUntilDue: -28 });
  });

  it('counts from the sale when a vehicle has no routine visit yet', () => {
    const view = buildCustomerView({ ...input, transactions: transactions.filter((t) => t.type === 'vehicle_sale') });
    // 2020-01-01 + 180 days = 2020-06-29.
    expect(view.vehicles[0]!.nextServiceDue).toMatchObject({ basedOn: { kind: 'vehicle_sale', transactionId: 'S1' }, dueAt: new Date('2020-06-29T10:00:00+08:00'), intervalSource: 'default', overdue: true });
    expect(view.vehicles[1]!.nextServiceDue).toBeUndefined();
  });

  it('adds up lifetime revenue and profit per kind of transaction', () => {
    const [cny] = buildCustomerView(input).lifetime;
    // Revenue 15,000,000 + 80,000 + 60,000 + 120,000 + 70,000 + 50,000 + 40,000 + 10,000 = 15,430,000;
    // profit 800,000 + 38,000 + 30,000 + 50,000 + 33,000 + 20,000 + 18,000 + 4,000 = 993,000.
    expect(cny).toEqual({
      currency: 'CNY',
      count: 8,
      revenueMinor: 15_430_000,
      grossProfitMinor: 993_000,
      byType: {
        vehicle_sale: { count: 1, revenueMinor: 15_000_000, grossProfitMinor: 800_000 },
        repair_order: { count: 6, revenueMinor: 420_000, grossProfitMinor: 189_000 },
        parts_sale: { count: 1, revenueMinor: 10_000, grossProfitMinor: 4_000 },
      },
    });
  });

  it('lists open complaints, consents in force and recent interactions', () => {
    const view = buildCustomerView(input);
    expect(view.openComplaints.map((c) => c.id)).toEqual(['K3', 'K1']);
    expect(view.openComplaints[0]!.slaDueAt).toBe('2024-05-04T09:00:00+08:00'); // other fields pass through
    expect(view.consents.map((c) => `${c.purpose}/${c.channel}`)).toEqual(['marketing/sms']);
    expect(view.recentInteractions.map((i) => i.id)).toEqual(['I12', 'I11', 'I10', 'I09', 'I08', 'I07', 'I06', 'I05', 'I04', 'I03']);
    expect(buildCustomerView({ ...input, recentInteractionLimit: 2, closedComplaintStatuses: ['resolved', 'in_progress'] })).toMatchObject({
      recentInteractions: [{ id: 'I12' }, { id: 'I11' }],
      openComplaints: [{ id: 'K3' }],
    });
  });

  it('rejects records after asOf, or shows the view as it stood then', () => {
    const late = ro('R9', 'V-1', '2024-07-02', 'maintenance', 1_000, 100);
    expect(issuesOf(() => buildCustomerView({ ...input, transactions: [...transactions, late] }))[0]!.path).toBe('transactions[8]');
    const past = buildCustomerView({ ...input, transactions: [...transactions, late], afterAsOf: 'exclude' });
    expect(past.excludedAfterAsOf).toEqual({ transactions: 1, interactions: 0, complaints: 0 });
    expect(past.lastService?.transactionId).toBe('R6');
  });

  it('names the path and rule of bad input', () => {
    const negative = { ...(transactions[1] as Extract<TransactionInput, { type: 'repair_order' }>) };
    negative.lines = [{ category: 'labor', quantity: -1, revenueMinor: 80_000, costMinor: 42_000 }];
    expect(issuesOf(() => buildCustomerView({ ...input, transactions: [transactions[0]!, negative] }))[0]).toMatchObject({ path: 'transactions[1].lines[0].quantity', message: 'quantity must be positive' });
    expect(issuesOf(() => buildCustomerView({ ...input, transactions: [{ ...transactions[0]!, currency: 'XXX' }] }))[0]!.path).toBe('transactions[0].currency');
    expect(issuesOf(() => buildCustomerView({ ...input, transactions: [{ ...transactions[0]!, customerId: 'C-2' }] }))[0]!.path).toBe('transactions[0].customerId');
    expect(issuesOf(() => buildCustomerView({ ...input, vehicles: [{ ...input.vehicles![0]!, vin: 'LFV2A21K8B3012345' }] }))[0]).toMatchObject({ path: 'vehicles[0].vin' });
    expect(issuesOf(() => buildCustomerView({ ...input, ownerships: [{ ...input.ownerships![0]!, vehicleId: 'V-404' }] }))[0]!.path).toBe('ownerships[0].vehicleId');
    expect(issuesOf(() => buildCustomerView({ ...input, complaints: [{ id: 'K9', status: 'open', openedAt: 'yesterday' }] }))[0]!.path).toBe('complaints[0].openedAt');
    expect(issuesOf(() => buildCustomerView({ ...input, asOf: 'today' }))[0]!.path).toBe('asOf');
    expect(issuesOf(() => buildCustomerView({ ...input, recentInteractionLimit: -1 }))[0]!.path).toBe('recentInteractionLimit');
  });
});
