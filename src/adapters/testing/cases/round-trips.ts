import { check, equal } from '../assert.js';
import { customerInput, interactionInput, leadInput, ownershipInput, repairOrderInput, vehicleInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

const metadata = {
  empty: [],
  emptyObject: {},
  nested: { list: [1, -2, 0.1, 9007199254740991, null, true, false, '䶮𠮷😀'], deep: { deeper: { deepest: 'x' } } },
  zero: 0,
  text: '  leading and trailing spaces  ',
};

/** Values come back exactly as they went in. */
export const roundTripCases: ConformanceCase[] = [
  {
    area: 'round trips',
    name: 'a customer round-trips exactly: millisecond Dates in UTC, supplementary-plane Chinese, empty arrays and JSON metadata',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const input = customerInput(key, {
        name: '王䶮𠮷',
        familyName: '王',
        givenName: '䶮𠮷',
        tags: [],
        contactPoints: [
          {
            kind: 'mobile',
            value: '138 1234 5678',
            consents: [{ purpose: 'marketing', channel: 'sms', status: 'granted', at: '2024-02-29T23:59:59.999+08:00', source: 'app' }],
          },
          { kind: 'address', value: { province: '上海市', city: '上海市', district: '浦东新区', street: '世纪大道 1 号 𠮷 楼', postalCode: '200120' } },
        ],
        createdAt: '2024-02-29T23:59:59.999+08:00',
        updatedAt: new Date(Date.UTC(2024, 5, 30, 15, 59, 59, 1)),
        metadata,
      });
      const written = await storage.put(tenant, 'customers', input);
      const got = await storage.get(tenant, 'customers', key);
      const [many] = await storage.getMany(tenant, 'customers', [key]);
      const queried = (await storage.query(tenant, 'customers', { where: { id: key } })).items[0];
      let scanned: typeof got = null;
      for await (const item of storage.scan(tenant, 'customers', { where: { id: key } })) scanned = item;
      for (const [how, item] of [['get', got], ['getMany', many], ['query', queried], ['scan', scanned]] as const) {
        check(item !== null && item !== undefined, `${how} finds the customer`);
        const record = item.record;
        equal(record, written.record, `${how} returns exactly what put returned`);
        check(record.createdAt instanceof Date, `${how}: createdAt is a Date`);
        // 2024-02-29T23:59:59.999+08:00 is 15:59:59.999 UTC on the same day.
        equal(record.createdAt.toISOString(), '2024-02-29T15:59:59.999Z', `${how}: the instant to the millisecond, in UTC`);
        equal(record.updatedAt.getTime(), Date.UTC(2024, 5, 30, 15, 59, 59, 1), `${how}: a Date given as a Date`);
        equal(record.contactPoints[0]?.consents[0]?.at, new Date('2024-02-29T15:59:59.999Z'), `${how}: a nested instant`);
        equal([record.name, record.givenName], ['王䶮𠮷', '䶮𠮷'], `${how}: Chinese text with CJK Extension A and B characters`);
        equal(record.contactPoints[0]?.value, '+8613812345678', `${how}: the normalised mobile number`);
        equal(record.tags, [], `${how}: an empty array stays an empty array`);
        equal(record.metadata, metadata, `${how}: JSON metadata`);
      }
    },
  },
  {
    area: 'round trips',
    name: 'integer minor units and transactions round-trip through a stream',
    async run({ storage, tenant, id }) {
      const customer = id('C');
      const order = repairOrderInput(id('RO'), customer);
      const sale = {
        type: 'vehicle_sale',
        id: id('VS'),
        dealerId: 'D-SH-01',
        customerId: customer,
        vehicleId: 'V-9',
        saleKind: 'new',
        at: '2024-03-02T10:00:00+08:00',
        currency: 'CNY',
        revenueMinor: 900_719_925_474_099,
        grossProfitMinor: -900_719_925_474_099,
      } as const;
      const appended = await storage.append(tenant, 'transactions', customer, [order, sale]);
      const read = await storage.readStream(tenant, 'transactions', customer);
      equal(read.entries, appended.entries, 'the stream returns what append returned');
      const [repair, vehicleSale] = read.entries.map((entry) => entry.payload);
      check(repair?.type === 'repair_order', 'the repair order comes first');
      equal([repair.revenueMinor, repair.grossProfitMinor, repair.lines[0]?.quantity], [80000, 38000, 1.5], 'minor units and a fractional labour quantity');
      equal([vehicleSale?.revenueMinor, vehicleSale?.grossProfitMinor], [900_719_925_474_099, -900_719_925_474_099], 'large and negative integer minor units stay exact');
      equal(repair.at, new Date('2024-03-02T02:00:00.000Z'), 'the transaction time is a Date in UTC');
    },
  },
  {
    area: 'round trips',
    name: 'generic records keep their declared instants as Dates and their JSON as JSON',
    async run({ storage, tenant, id }) {
      const key = id('K');
      const input = {
        id: key,
        status: 'open',
        severity: 'complex',
        openedAt: '2024-10-01T09:00:00.123+08:00',
        lastEventAt: null,
        timeline: [{ at: '2024-10-01T09:00:00+08:00', note: '客户来电 🚗' }],
        flags: [],
        score: 0.25,
      };
      const written = await storage.put(tenant, 'complaints', input);
      const read = await storage.get(tenant, 'complaints', key);
      equal(read?.record, written.record, 'get returns what put returned');
      equal(read?.record.openedAt, new Date('2024-10-01T01:00:00.123Z'), 'a declared instant comes back as a Date');
      equal(read?.record.lastEventAt, null, 'a declared field set to null stays null');
      equal(read?.record.timeline, [{ at: '2024-10-01T09:00:00+08:00', note: '客户来电 🚗' }], 'free JSON stays JSON, strings untouched');
      equal([read?.record.flags, read?.record.score], [[], 0.25], 'empty arrays and fractions');
    },
  },
  {
    area: 'round trips',
    name: 'every built-in collection and stream kind stores and returns a valid example',
    async run({ storage, tenant, id }) {
      const customer = id('C');
      const vehicle = id('V');
      const examples: [string, Record<string, unknown>][] = [
        ['customers', customerInput(customer) as Record<string, unknown>],
        ['vehicles', vehicleInput(vehicle) as Record<string, unknown>],
        ['ownerships', ownershipInput(id('O'), customer, vehicle) as Record<string, unknown>],
        ['leads', leadInput(id('L')) as Record<string, unknown>],
        ['complaints', { id: id('K'), customerId: customer, status: 'open', openedAt: '2024-10-01T09:00:00+08:00' }],
        ['loyalty_members', { id: id('LM'), customerId: customer, programId: 'P-1', tier: 'gold', joinedAt: '2023-01-01T00:00:00+08:00' }],
        ['programs', { id: id('P'), name: '车主俱乐部', status: 'active', rules: { pointsPerYuan: 1 } }],
        ['policies', { id: id('PO'), kind: 'sla', name: 'OEM 热线', targets: [{ severity: 'complex', hours: 24 }] }],
      ];
      for (const [collection, record] of examples) {
        const written = await storage.put(tenant, collection as 'customers', record as never);
        const read = await storage.get(tenant, collection as 'customers', record.id as string);
        equal(read?.record, written.record, `${collection} round-trips`);
      }
      const streams: [string, string, Record<string, unknown>][] = [
        ['loyalty_ledger', id('LM'), { type: 'earn', points: 120, at: '2024-05-01T09:00:00+08:00', expiresAt: '2026-05-31T23:59:59.999+08:00' }],
        ['complaint_events', id('K'), { type: 'opened', at: '2024-10-01T09:00:00+08:00', channel: 'hotline' }],
        ['interactions', customer, interactionInput(id('I'), customer) as Record<string, unknown>],
        ['transactions', customer, repairOrderInput(id('RO'), customer) as Record<string, unknown>],
        ['audit_log', 'main', { action: 'customers.put', at: '2024-05-01T09:00:00+08:00', actorId: 'U-1', collection: 'customers', recordId: customer }],
        ['outbox', 'webhooks', { type: 'customer.created', occurredAt: '2024-05-01T09:00:00+08:00', data: { customerId: customer } }],
      ];
      for (const [kind, streamId, payload] of streams) {
        const appended = await storage.append(tenant, kind as 'audit_log', streamId, [payload as never]);
        const read = await storage.readStream(tenant, kind as 'audit_log', streamId);
        equal(read.entries, appended.entries, `${kind} round-trips`);
      }
    },
  },
];
