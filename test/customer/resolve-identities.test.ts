import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveIdentities, type CustomerInput, type OwnershipInput, type VehicleInput } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';
import { person } from '../support/customers.js';

/** The type of the values an arbitrary generates. */
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

// Hand-checked identity numbers (see resident-id.test.ts for the arithmetic) and their legacy forms.
const ID_A = '11010519491231002X';
const ID_A_LEGACY = '110105491231002';
const ID_B = '320311197707060018';
const ID_B_LEGACY = '320311770706001';

const VIN_1 = 'LFV2A21KXB3012345'; // check character X, hand-checked in vin.test.ts
const VIN_2 = '1M8GDM9AXKP042788';

describe('resolveIdentities', () => {
  it('links records across dealers by normalised mobile, ID number and e-mail, transitively', () => {
    const customers: CustomerInput[] = [
      person({ id: 'SH-1', dealerId: 'D-SH', contactPoints: [{ kind: 'mobile', value: '138 1234 5678' }] }),
      person({ id: 'BJ-7', dealerId: 'D-BJ', idNumber: ID_A, contactPoints: [{ kind: 'mobile', value: '+86 13812345678' }] }),
      person({ id: 'GZ-3', dealerId: 'D-GZ', idNumber: ID_A_LEGACY }),
      person({ id: 'GZ-4', dealerId: 'D-GZ', contactPoints: [{ kind: 'email', value: 'Fang@Example.cn' }] }),
      person({ id: 'SH-2', dealerId: 'D-SH', contactPoints: [{ kind: 'email', value: 'fang@example.cn ' }] }),
      person({ id: 'SH-3', dealerId: 'D-SH' }),
    ];
    const result = resolveIdentities(customers);
    expect(result.clusters).toEqual([
      {
        clusterId: 'BJ-7',
        customerIds: ['BJ-7', 'GZ-3', 'SH-1'],
        links: [
          { key: 'idNumber', value: ID_A, customerIds: ['BJ-7', 'GZ-3'] },
          { key: 'mobile', value: '+8613812345678', customerIds: ['BJ-7', 'SH-1'] },
        ],
      },
      { clusterId: 'GZ-4', customerIds: ['GZ-4', 'SH-2'], links: [{ key: 'email', value: 'fang@example.cn', customerIds: ['GZ-4', 'SH-2'] }] },
      { clusterId: 'SH-3', customerIds: ['SH-3'], links: [] },
    ]);
    expect(result).toMatchObject({ customerCount: 6, clusterCount: 3, duplicateCount: 3 });
    expect(result.clusterOf.get('SH-1')).toBe('BJ-7');

    // Dropping e-mail from the rules separates the e-mail pair.
    const noEmail = resolveIdentities(customers, { keys: ['idNumber', 'mobile', 'vin'] });
    expect(noEmail.clusters.map((c) => c.customerIds)).toEqual([['BJ-7', 'GZ-3', 'SH-1'], ['GZ-4'], ['SH-2'], ['SH-3']]);
  });

  it('does not link on invalid ID numbers or landline numbers', () => {
    const customers = [
      person({ id: 'A', idNumber: '110105194912310021' }), // wrong check character
      person({ id: 'B', idNumber: '110105194912310021' }),
      person({ id: 'C', contactPoints: [{ kind: 'phone', value: '+86 21 6123 4567' }] }), // a switchboard
      person({ id: 'D', contactPoints: [{ kind: 'phone', value: '+86 21 6123 4567' }] }),
      person({ id: 'E', contactPoints: [{ kind: 'phone', value: '13912345678' }] }), // a mobile stored as phone links
      person({ id: 'F', contactPoints: [{ kind: 'mobile', value: '13912345678' }] }),
      person({ id: 'G', idType: 'passport', idNumber: 'e 1234567' }),
      person({ id: 'H', idType: 'passport', idNumber: 'E1234567' }),
    ];
    expect(resolveIdentities(customers).clusters.map((c) => c.customerIds)).toEqual([['A'], ['B'], ['C'], ['D'], ['E', 'F'], ['G', 'H']]);
    expect(resolveIdentities(customers).clusters.find((c) => c.clusterId === 'G')!.links).toEqual([{ key: 'idNumber', value: 'passport:E1234567', customerIds: ['G', 'H'] }]);
  });

  it('links owners of one VIN over overlapping periods, not a used car changing hands', () => {
    const vehicles: VehicleInput[] = [
      { id: 'SH-V1', vin: VIN_1, make: 'Volkswagen', model: 'Sagitar', modelYear: 2011 },
      { id: 'BJ-V9', vin: VIN_1.toLowerCase(), make: 'Volkswagen', model: 'Sagitar', modelYear: 2011 },
      { id: 'GZ-V2', vin: VIN_2, make: 'Ford', model: 'Mustang', modelYear: 2019 },
    ];
    const ownerships: OwnershipInput[] = [
      { id: 'O1', customerId: 'A', vehicleId: 'SH-V1', role: 'owner', from: '2020-01-01T00:00:00+08:00' },
      { id: 'O2', customerId: 'B', vehicleId: 'BJ-V9', role: 'owner', from: '2021-06-01T00:00:00+08:00' },
      // Used car: C owned VIN_2 until D bought it at the same instant.
      { id: 'O3', customerId: 'C', vehicleId: 'GZ-V2', role: 'owner', from: '2019-01-01T00:00:00+08:00', to: '2022-01-01T00:00:00+08:00' },
      { id: 'O4', customerId: 'D', vehicleId: 'GZ-V2', role: 'owner', from: '2022-01-01T00:00:00+08:00' },
      // A driver of VIN_2 does not count unless drivers are named.
      { id: 'O5', customerId: 'E', vehicleId: 'GZ-V2', role: 'driver', from: '2023-01-01T00:00:00+08:00' },
      // An ownership of someone outside the input is ignored.
      { id: 'O6', customerId: 'Z', vehicleId: 'GZ-V2', role: 'owner', from: '2023-01-01T00:00:00+08:00' },
    ];
    const customers = ['A', 'B', 'C', 'D', 'E'].map((id) => person({ id }));
    const result = resolveIdentities(customers, { ownerships, vehicles });
    expect(result.clusters.map((c) => c.customerIds)).toEqual([['A', 'B'], ['C'], ['D'], ['E']]);
    expect(result.clusters[0]!.links).toEqual([{ key: 'vin', value: VIN_1, customerIds: ['A', 'B'] }]);
    const withDrivers = resolveIdentities(customers, { ownerships, vehicles, vinRoles: ['owner', 'driver'] });
    expect(withDrivers.clusters.map((c) => c.customerIds)).toEqual([['A', 'B'], ['C'], ['D', 'E']]);
    // Without the vin key, ownerships link nothing.
    expect(resolveIdentities(customers, { ownerships, vehicles, keys: ['mobile'] }).clusterCount).toBe(5);
  });

  // --- property tests against a brute-force oracle -------------------------------------

  const MOBILES = ['13800000001', '+86 138 0000 0001', '0086 13800000002', '13800000003'];
  const EMAILS = ['a@x.cn', 'A@X.CN', 'b@x.cn'];
  const IDS = [ID_A, ID_A_LEGACY, ID_B, ID_B_LEGACY, '110105194912310021'];
  const VINS = [VIN_1, VIN_2];

  /** Independent normalisations for the oracle. */
  const oracleMobile = (value: string) => value.replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '');
  const oracleId = (value: string) => ({ [ID_A]: 'A', [ID_A_LEGACY]: 'A', [ID_B]: 'B', [ID_B_LEGACY]: 'B' })[value]; // the invalid one maps to nothing

  const record = fc.record({
    mobile: fc.option(fc.constantFrom(...MOBILES), { nil: undefined }),
    email: fc.option(fc.constantFrom(...EMAILS), { nil: undefined }),
    idNumber: fc.option(fc.constantFrom(...IDS), { nil: undefined }),
    vin: fc.option(fc.record({ vin: fc.constantFrom(...VINS), from: fc.integer({ min: 0, max: 5 }), length: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }), { nil: undefined }),
  });

  function build(records: ValueOf<typeof record>[]) {
    const customers = records.map((r, i) =>
      person({
        id: `C${String(i).padStart(2, '0')}`,
        ...(r.idNumber === undefined ? {} : { idNumber: r.idNumber }),
        contactPoints: [...(r.mobile === undefined ? [] : [{ kind: 'mobile' as const, value: r.mobile }]), ...(r.email === undefined ? [] : [{ kind: 'email' as const, value: r.email }])],
      }),
    );
    const vehicles: VehicleInput[] = [];
    const ownerships: OwnershipInput[] = [];
    records.forEach((r, i) => {
      if (r.vin === undefined) return;
      vehicles.push({ id: `V${i}`, vin: r.vin.vin, make: 'X', model: 'Y', modelYear: 2020 });
      ownerships.push({
        id: `O${i}`,
        customerId: `C${String(i).padStart(2, '0')}`,
        vehicleId: `V${i}`,
        role: 'owner',
        from: new Date(Date.UTC(2020 + r.vin.from, 0, 1)),
        ...(r.vin.length === undefined ? {} : { to: new Date(Date.UTC(2020 + r.vin.from + r.vin.length, 0, 1)) }),
      });
    });
    return { customers, vehicles, ownerships };
  }

  function oracleClusters(records: ValueOf<typeof record>[]): string[][] {
    const n = records.length;
    const linked = (a: ValueOf<typeof record>, b: ValueOf<typeof record>) => {
      if (a.mobile !== undefined && b.mobile !== undefined && oracleMobile(a.mobile) === oracleMobile(b.mobile)) return true;
      if (a.email !== undefined && b.email !== undefined && a.email.toLowerCase() === b.email.toLowerCase()) return true;
      if (a.idNumber !== undefined && b.idNumber !== undefined && oracleId(a.idNumber) !== undefined && oracleId(a.idNumber) === oracleId(b.idNumber)) return true;
      if (a.vin !== undefined && b.vin !== undefined && a.vin.vin === b.vin.vin) {
        const endA = a.vin.length === undefined ? Infinity : a.vin.from + a.vin.length;
        const endB = b.vin.length === undefined ? Infinity : b.vin.from + b.vin.length;
        if (a.vin.from < endB && b.vin.from < endA) return true;
      }
      return false;
    };
    const seen = new Array<boolean>(n).fill(false);
    const clusters: string[][] = [];
    for (let start = 0; start < n; start++) {
      if (seen[start]) continue;
      const queue = [start];
      seen[start] = true;
      const members: number[] = [];
      while (queue.length > 0) {
        const at = queue.pop()!;
        members.push(at);
        for (let other = 0; other < n; other++) {
          if (!seen[other] && linked(records[at]!, records[other]!)) {
            seen[other] = true;
            queue.push(other);
          }
        }
      }
      clusters.push(members.map((i) => `C${String(i).padStart(2, '0')}`).sort());
    }
    return clusters.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  }

  it('finds exactly the connected components of the "shares a key" graph (transitivity)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 14 }), (records) => {
        const { customers, vehicles, ownerships } = build(records);
        const result = resolveIdentities(customers, { vehicles, ownerships });
        expect(result.clusters.map((c) => [...c.customerIds])).toEqual(oracleClusters(records));
        // Every link joins records of its own cluster.
        for (const cluster of result.clusters) for (const link of cluster.links) for (const id of link.customerIds) expect(cluster.customerIds).toContain(id);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same clusters, links and ids for any order of the input', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 12 }).chain((records) =>
          fc.tuple(fc.constant(records), fc.shuffledSubarray(records.map((_, i) => i), { minLength: records.length, maxLength: records.length }), fc.shuffledSubarray(records.map((_, i) => i), { minLength: records.length, maxLength: records.length })),
        ),
        ([records, order, ownershipOrder]) => {
          const { customers, vehicles, ownerships } = build(records);
          const base = resolveIdentities(customers, { vehicles, ownerships });
          const shuffled = resolveIdentities(order.map((i) => customers[i]!), {
            vehicles: [...vehicles].reverse(),
            ownerships: ownershipOrder.filter((i) => i < ownerships.length).map((i) => ownerships[i]!),
          });
          expect(shuffled.clusters).toEqual(base.clusters);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('throws a ValidationError for repeated ids, unknown keys and ownerships of unknown vehicles', () => {
    expect(issuesOf(() => resolveIdentities([person({ id: 'A' }), person({ id: 'A' })]))[0]!.path).toBe('customers[1].id');
    expect(issuesOf(() => resolveIdentities([person({ id: 'A', name: '' })]))[0]!.path).toBe('customers[0].name');
    expect(issuesOf(() => resolveIdentities([person({ id: 'A' })], { keys: ['shoeSize' as never] }))[0]!.path).toBe('options.keys[0]');
    expect(issuesOf(() => resolveIdentities([person({ id: 'A' })], { keys: [] }))[0]!.path).toBe('options.keys');
    expect(
      issuesOf(() =>
        resolveIdentities([person({ id: 'A' })], { ownerships: [{ id: 'O', customerId: 'A', vehicleId: 'V-404', role: 'owner', from: '2020-01-01T00:00:00Z' }], vehicles: [] }),
      )[0]!.path,
    ).toBe('options.ownerships[0].vehicleId');
    expect(issuesOf(() => resolveIdentities([person({ id: 'A' })], { vehicles: [{ id: 'V', vin: 'LFV2A21K8B3012345', make: 'X', model: 'Y', modelYear: 2011 }] }))[0]!.path).toBe('options.vehicles[0].vin');
  });
});
