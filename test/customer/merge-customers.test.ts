import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'dealer-crm/core';
import {
  CustomerSchema,
  defaultSurvivorshipPolicy,
  defineSurvivorshipPolicy,
  mergeCustomers,
  type Customer,
  type CustomerInput,
} from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';
import { person } from '../support/customers.js';

/** The type of the values an arbitrary generates. */
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const ID_A = '11010519491231002X';
const ID_A_LEGACY = '110105491231002';
const grant = { purpose: 'marketing', channel: 'sms', status: 'granted', at: '2023-01-01T00:00:00+08:00', source: 'paper_form' } as const;
const withdrawal = { purpose: 'marketing', channel: 'sms', status: 'withdrawn', at: '2024-04-01T00:00:00+08:00', source: 'phone_recording' } as const;

const shanghai = person({
  id: 'SH-1',
  sourceSystem: 'dms-sh',
  createdAt: '2021-01-01T00:00:00+08:00',
  updatedAt: '2024-03-01T00:00:00+08:00',
  lastVerifiedAt: '2023-06-01T00:00:00+08:00',
  birthday: '1985-06-01',
  householdId: 'H-1',
  referredBy: 'C-99',
  metadata: { dms: 'sh' },
  tags: ['vip'],
  contactPoints: [{ kind: 'mobile', value: '138 1234 5678', primary: true, consents: [grant] }],
});
const beijing = person({
  id: 'BJ-7',
  sourceSystem: 'oem-hotline',
  createdAt: '2022-01-01T00:00:00+08:00',
  updatedAt: '2024-05-01T00:00:00+08:00',
  gender: 'female',
  birthday: '1985-06-10',
  idNumber: ID_A,
  tags: ['fleet-prospect', 'vip'],
  contactPoints: [
    { kind: 'mobile', value: '+8613812345678', consents: [grant, withdrawal] },
    { kind: 'email', value: 'Fang@Example.cn', verifiedAt: '2024-02-01T00:00:00+08:00' },
  ],
});
const guangzhou = person({
  id: 'GZ-3',
  createdAt: '2023-01-01T00:00:00+08:00',
  updatedAt: '2024-06-01T00:00:00+08:00',
  familyName: '王',
  idNumber: ID_A_LEGACY,
  idType: 'resident_id',
  lifecycleStage: 'loyal',
});

describe('mergeCustomers', () => {
  it('takes each field from the most recently updated record when no source is trusted more', () => {
    // Completeness: SH-1 has 7 optional fields + 1 contact point = 8; BJ-7 4 + 2 = 6; GZ-3 3 + 0 = 3.
    const { customer, fields, contactPoints, tags, sourceIds } = mergeCustomers([shanghai, beijing, guangzhou]);
    expect(customer.id).toBe('GZ-3'); // updated 2024-06-01, the latest
    expect(fields.id).toEqual({ sourceId: 'GZ-3', reason: 'most_recent', candidateIds: ['GZ-3', 'BJ-7', 'SH-1'], unanimous: false });
    expect(fields.name).toMatchObject({ sourceId: 'GZ-3', reason: 'most_recent', unanimous: true });
    expect(customer.birthday).toBe('1985-06-10');
    expect(fields.birthday).toEqual({ sourceId: 'BJ-7', reason: 'most_recent', candidateIds: ['BJ-7', 'SH-1'], unanimous: false });
    expect(fields.gender).toMatchObject({ sourceId: 'BJ-7', reason: 'only_source' });
    expect(customer.idNumber).toBe(ID_A_LEGACY);
    expect(customer.idType).toBe('resident_id');
    expect(fields.idType).toMatchObject({ sourceId: 'GZ-3', reason: 'follows_id_number' });
    expect(customer.lifecycleStage).toBe('loyal');
    expect(customer.createdAt).toEqual(new Date('2021-01-01T00:00:00+08:00'));
    expect(fields.createdAt).toMatchObject({ sourceId: 'SH-1', reason: 'earliest' });
    expect(customer.updatedAt).toEqual(new Date('2024-06-01T00:00:00+08:00'));
    expect(fields.updatedAt).toMatchObject({ sourceId: 'GZ-3', reason: 'latest' });
    expect(fields.lastVerifiedAt).toMatchObject({ sourceId: 'SH-1', reason: 'only_source' });
    expect(fields.kind).toMatchObject({ reason: 'agreed' });
    expect(sourceIds).toEqual(['BJ-7', 'GZ-3', 'SH-1']);

    // The two spellings of one mobile become one contact point; the duplicated grant is kept once.
    expect(customer.contactPoints).toHaveLength(2);
    const mobile = customer.contactPoints[0]!;
    expect(mobile).toMatchObject({ kind: 'mobile', value: '+8613812345678', primary: true });
    expect(mobile.consents.map((c) => c.status)).toEqual(['granted', 'withdrawn']);
    expect(customer.contactPoints[1]).toMatchObject({ kind: 'email', value: 'fang@example.cn', verifiedAt: new Date('2024-02-01T00:00:00+08:00') });
    expect(contactPoints).toEqual([
      { kind: 'mobile', value: '+8613812345678', sourceIds: ['BJ-7', 'SH-1'], consentCount: 2 },
      { kind: 'email', value: 'fang@example.cn', sourceIds: ['BJ-7'], consentCount: 0 },
    ]);
    expect(customer.tags).toEqual(['fleet-prospect', 'vip']);
    expect({ ...tags }).toEqual({ 'fleet-prospect': ['BJ-7'], vip: ['BJ-7', 'SH-1'] });
    // The golden record is a valid customer.
    expect(parse(CustomerSchema, customer)).toEqual(customer);
  });

  it('prefers the most trusted source system when a ranking is given', () => {
    const policy = defineSurvivorshipPolicy({ ...defaultSurvivorshipPolicy, sourceTrust: ['oem-hotline', 'dms-sh'] });
    const { customer, fields } = mergeCustomers([guangzhou, shanghai, beijing], policy);
    expect(customer.id).toBe('BJ-7');
    expect(fields.birthday).toEqual({ sourceId: 'BJ-7', reason: 'most_trusted_source', candidateIds: ['BJ-7', 'SH-1'], unanimous: false });
    // GZ-3 names no source system, so it ranks below both listed ones.
    expect(customer.idNumber).toBe(ID_A);
    expect(fields.idNumber).toMatchObject({ sourceId: 'BJ-7', reason: 'most_trusted_source', candidateIds: ['BJ-7', 'GZ-3'] });
  });

  it('applies per-field rules, e.g. the most complete record for the birthday', () => {
    const { customer, fields } = mergeCustomers([shanghai, beijing, guangzhou], { ...defaultSurvivorshipPolicy, fieldRules: { birthday: ['most_complete'] } });
    expect(customer.birthday).toBe('1985-06-01'); // SH-1: completeness 8 beats BJ-7's 6
    expect(fields.birthday).toMatchObject({ sourceId: 'SH-1', reason: 'most_complete' });
    expect(customer.name).toBe('王芳');
  });

  it('breaks a full tie by the smaller record id', () => {
    const a = person({ id: 'B-2', name: '李雷' });
    const b = person({ id: 'A-9', name: '李磊' });
    const { customer, fields } = mergeCustomers([a, b]);
    expect(customer.name).toBe('李磊');
    expect(fields.name).toMatchObject({ sourceId: 'A-9', reason: 'id_tie_break' });
    expect(mergeCustomers([a]).fields.name).toMatchObject({ sourceId: 'B-2', reason: 'only_source', unanimous: true });
  });

  // --- properties --------------------------------------------------------------------------

  const consentArb = fc.record({
    purpose: fc.constantFrom('marketing' as const, 'survey' as const),
    channel: fc.constantFrom('sms' as const, 'email' as const),
    status: fc.constantFrom('granted' as const, 'withdrawn' as const),
    at: fc.integer({ min: 0, max: 3 }).map((d) => new Date(Date.UTC(2023, 0, 1 + d))),
    source: fc.constant('app' as const),
  });
  const pointArb = fc.oneof(
    fc.record({ kind: fc.constant('mobile' as const), value: fc.constantFrom('13800000001', '+86 138 0000 0001', '13800000002'), primary: fc.option(fc.boolean(), { nil: undefined }), consents: fc.array(consentArb, { maxLength: 2 }) }),
    fc.record({ kind: fc.constant('email' as const), value: fc.constantFrom('a@x.cn', 'A@X.cn', 'b@x.cn'), consents: fc.array(consentArb, { maxLength: 2 }) }),
    fc.record({ kind: fc.constant('wechat' as const), value: fc.constantFrom('wx_a', 'wx_b'), consents: fc.constant([]) }),
  );
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const recordArb = fc.record({
    updatedDay: fc.integer({ min: 0, max: 4 }),
    sourceSystem: opt(fc.constantFrom('dms-a', 'dms-b', 'oem')),
    name: fc.constantFrom('王芳', '王 芳', '王芳芳'),
    familyName: opt(fc.constant('王')),
    gender: opt(fc.constantFrom('female' as const, 'undisclosed' as const)),
    birthday: opt(fc.constantFrom('1985-06-01', '1985-06-10')),
    idNumber: opt(fc.constantFrom(ID_A, ID_A_LEGACY)),
    idType: opt(fc.constant('resident_id' as const)),
    householdId: opt(fc.constantFrom('H-1', 'H-2')),
    lifecycleStage: fc.constantFrom('customer' as const, 'loyal' as const),
    lastVerifiedDay: opt(fc.integer({ min: 0, max: 4 })),
    metadata: opt(fc.constantFrom({ a: 1 }, { b: 'x' })),
    tags: fc.array(fc.constantFrom('vip', 'fleet', 'ev'), { maxLength: 2 }),
    contactPoints: fc.array(pointArb, { maxLength: 3 }),
  });
  const toInput = (r: ValueOf<typeof recordArb>, i: number): CustomerInput => {
    const { updatedDay, lastVerifiedDay, ...rest } = r;
    const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return person({
      id: `R${i}`,
      ...clean,
      updatedAt: new Date(Date.UTC(2024, 0, 1 + updatedDay)),
      ...(lastVerifiedDay === undefined ? {} : { lastVerifiedAt: new Date(Date.UTC(2023, 6, 1 + lastVerifiedDay)) }),
      contactPoints: r.contactPoints.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined))) as CustomerInput['contactPoints'],
    });
  };
  const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 5 }).map((rs) => rs.map(toInput));
  const permuted = recordsArb.chain((records) =>
    fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length })),
  );
  const policies = [defaultSurvivorshipPolicy, defineSurvivorshipPolicy({ rules: ['most_complete', 'most_recent'], sourceTrust: ['oem', 'dms-b'] })];

  it('does not depend on the order of the records', () => {
    fc.assert(
      fc.property(permuted, fc.constantFrom(...policies), ([records, shuffled], policy) => {
        expect(mergeCustomers(shuffled, policy)).toEqual(mergeCustomers(records, policy));
      }),
      { numRuns: 200 },
    );
  });

  it('loses no field, no contact point and no consent decision', () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom(...policies), (records, policy) => {
        const parsed = records.map((r) => parse(CustomerSchema, r));
        const { customer, fields } = mergeCustomers(records, policy);
        for (const record of parsed) {
          for (const [key, value] of Object.entries(record)) {
            if (value !== undefined) expect(customer[key as keyof Customer], key).toBeDefined();
          }
          for (const point of record.contactPoints) {
            const merged = customer.contactPoints.find((p) => p.kind === point.kind && JSON.stringify(p.value) === JSON.stringify(point.value));
            expect(merged, `${point.kind} ${JSON.stringify(point.value)}`).toBeDefined();
            for (const consent of point.consents) expect(merged!.consents).toContainEqual(consent);
          }
          for (const tag of record.tags) expect(customer.tags).toContain(tag);
        }
        // Lineage tells the truth: the named source holds the surviving value.
        for (const field of ['name', 'birthday', 'gender', 'idNumber', 'householdId', 'metadata', 'lifecycleStage'] as const) {
          const lineage = fields[field];
          if (lineage === undefined) continue;
          expect(parsed.find((r) => r.id === lineage.sourceId)![field]).toEqual(customer[field]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('picks, under the default policy, the latest-updated holder of each field, then the most complete, then the smallest id', () => {
    // Completeness as documented: optional fields filled plus contact points.
    const optional = ['familyName', 'givenName', 'gender', 'birthday', 'idNumber', 'organisationCode', 'sourceSystem', 'householdId', 'referredBy', 'lastVerifiedAt', 'metadata'] as const;
    const completeness = (r: Customer) => optional.filter((f) => r[f] !== undefined).length + r.contactPoints.length;
    fc.assert(
      fc.property(recordsArb, (records) => {
        const parsed = records.map((r) => parse(CustomerSchema, r));
        const { fields } = mergeCustomers(records);
        for (const field of ['birthday', 'gender', 'idNumber', 'householdId', 'familyName'] as const) {
          const holders = parsed.filter((r) => r[field] !== undefined);
          if (holders.length === 0) continue;
          const latest = Math.max(...holders.map((r) => r.updatedAt.getTime()));
          const recent = holders.filter((r) => r.updatedAt.getTime() === latest);
          const fullest = Math.max(...recent.map(completeness));
          const expected = recent.filter((r) => completeness(r) === fullest).map((r) => r.id).sort()[0];
          expect(fields[field]!.sourceId).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('throws a ValidationError for no records, mixed kinds, repeated ids and bad policies', () => {
    expect(issuesOf(() => mergeCustomers([]))[0]!.path).toBe('records');
    const organisation = person({ id: 'O-1', kind: 'organisation', type: 'fleet', name: '上海某某出租汽车有限公司' });
    expect(issuesOf(() => mergeCustomers([shanghai, organisation]))[0]!.path).toBe('records[1].kind');
    expect(issuesOf(() => mergeCustomers([shanghai, shanghai]))[0]!.path).toBe('records[1].id');
    expect(issuesOf(() => mergeCustomers([shanghai], { rules: ['loudest' as never] }))[0]!.path).toBe('survivorship.rules[0]');
    expect(issuesOf(() => mergeCustomers([shanghai], { rules: [] }))[0]!.path).toBe('survivorship.rules');
    expect(issuesOf(() => defineSurvivorshipPolicy({ rules: ['most_recent'], fieldRules: { shoeSize: ['most_recent'] } as never }))[0]!.path).toBe('fieldRules');
    expect(Object.isFrozen(defaultSurvivorshipPolicy.rules)).toBe(true);
  });
});
