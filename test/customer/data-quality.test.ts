import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assessDataQuality, type CustomerInput, type FieldQuality } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';
import { person } from '../support/customers.js';

const asOf = '2024-07-01T00:00:00+08:00';
const ID_A = '11010519491231002X'; // valid: born 1949-12-31, female (see resident-id.test.ts)
const ID_A_LEGACY = '110105491231002'; // the same person's 15-digit number

const customers: CustomerInput[] = [
  person({
    id: 'P1', dealerId: 'D-1', name: '王芳', idNumber: ID_A, birthday: '1949-12-31', gender: 'female',
    contactPoints: [{ kind: 'mobile', value: '13812345678' }, { kind: 'email', value: 'wang.fang@example.cn' }],
    lastVerifiedAt: '2024-06-01T00:00:00+08:00', // 30 days before asOf
  }),
  person({
    id: 'P2', dealerId: 'D-1', name: '李先生', idNumber: '110105194912310021', birthday: '1990-01-01', gender: 'male',
    contactPoints: [{ kind: 'mobile', value: '+8612812345678' }, { kind: 'email', value: 'test@qq.com' }],
    lastVerifiedAt: '2023-01-01T00:00:00+08:00', // 365 + 182 = 547 days
  }),
  person({ id: 'P3', dealerId: 'D-2', name: '张伟', idNumber: ID_A_LEGACY, birthday: '1950-01-01', gender: 'male', contactPoints: [{ kind: 'mobile', value: '13912345678' }] }),
  person({
    id: 'P4', dealerId: 'D-2', name: '未知', idType: 'passport', idNumber: 'E1234567', birthday: '2010-05-05',
    contactPoints: [{ kind: 'mobile', value: '138 1234 5678' }, { kind: 'wechat', value: 'wx_zhang' }],
    lastVerifiedAt: '2024-04-01T00:00:00+08:00', // 30 + 31 + 30 = 91 days
  }),
  person({
    id: 'O1', dealerId: 'D-1', kind: 'organisation', type: 'fleet', name: '上海某某出租汽车有限公司', organisationCode: '91310000MA1FL0XX7Q',
    contactPoints: [{ kind: 'address', value: { province: '上海市', city: '上海市', street: '延安西路 1 号' } }],
    lastVerifiedAt: '2024-06-30T12:00:00+08:00', // 12 hours: 0 whole days
  }),
];

const field = (fields: readonly FieldQuality[], name: FieldQuality['field']) => fields.find((f) => f.field === name)!;

describe('assessDataQuality', () => {
  it('measures fill and validity per field', () => {
    const { fields, customerCount } = assessDataQuality(customers, { asOf });
    expect(customerCount).toBe(5);
    // Names: 李先生 is an honorific alone, 未知 a placeholder → 3 of 5 valid.
    expect(field(fields, 'name')).toEqual({ field: 'name', applicable: 5, filled: 5, fillRate: 1, assessed: 5, valid: 3, validityRate: 0.6, issues: { honorific_only: 1, placeholder: 1 } });
    // Mobiles: 4 of 5 have one; +86 128… is no mainland mobile.
    expect(field(fields, 'mobile')).toMatchObject({ filled: 4, fillRate: 0.8, assessed: 4, valid: 3, validityRate: 0.75, issues: { not_mainland_mobile: 1 } });
    expect(field(fields, 'email')).toMatchObject({ filled: 2, fillRate: 0.4, valid: 1, issues: { placeholder: 1 } });
    expect(field(fields, 'wechat')).toMatchObject({ filled: 1, assessed: 0, validityRate: null });
    expect(field(fields, 'address')).toMatchObject({ filled: 1, fillRate: 0.2 });
    // Persons only (4): P3's birthday disagrees with its ID number, P4 would be 14 → too young.
    expect(field(fields, 'birthday')).toMatchObject({ applicable: 4, filled: 4, assessed: 4, valid: 2, issues: { mismatch_id_number: 1, too_young: 1 } });
    // Gender is judged only against a valid resident ID: P1 agrees, P3 (male, ID says female) does not; P2's ID is invalid.
    expect(field(fields, 'gender')).toMatchObject({ applicable: 4, filled: 3, assessed: 2, valid: 1, validityRate: 0.5 });
    // ID numbers: P4's passport is filled but not assessed; P2's check character is wrong.
    expect(field(fields, 'idNumber')).toMatchObject({ applicable: 4, filled: 4, fillRate: 1, assessed: 3, valid: 2, issues: { check_character: 1 } });
    expect(field(fields, 'organisationCode')).toMatchObject({ applicable: 1, filled: 1, fillRate: 1 });
  });

  it('reports staleness of verification in whole days', () => {
    const { staleness } = assessDataQuality(customers, { asOf });
    // Days since verified: O1 0, P1 30, P4 91, P2 547; P3 never. Stale (> 365 or never): P2, P3.
    expect(staleness).toEqual({
      staleAfterDays: 365,
      neverVerified: 1,
      stale: 2,
      staleShare: 0.4,
      medianDaysSinceVerified: 60.5, // (30 + 91) / 2
      buckets: [
        { minDays: 0, maxDays: 90, count: 2 },
        { minDays: 91, maxDays: 180, count: 1 },
        { minDays: 181, maxDays: 365, count: 0 },
        { minDays: 366, maxDays: 730, count: 1 },
        { minDays: 731, maxDays: null, count: 0 },
      ],
    });
    expect(assessDataQuality(customers, { asOf, staleAfterDays: 60 }).staleness.stale).toBe(3);
  });

  it('counts duplicates across the base, and within each dealer when asked', () => {
    // P1–P3 share an ID number (18 and 15 digits), P1–P4 a mobile: one person, three records.
    const report = assessDataQuality(customers, { asOf, byDealer: true });
    expect(report.duplicates).toEqual({ clusterCount: 3, duplicateRecords: 2, duplicateRate: 0.4, recordsInDuplicateClusters: 3, largestCluster: 3 });
    expect(report.dealers!.map((d) => [d.dealerId, d.customerCount, d.duplicates.duplicateRecords])).toEqual([
      ['D-1', 3, 0],
      ['D-2', 2, 0], // P3 and P4 link only through P1, who is at D-1
    ]);
    expect(field(report.dealers![0]!.fields, 'name')).toMatchObject({ applicable: 3, valid: 2 });
    expect(assessDataQuality(customers, { asOf, identityKeys: ['email'] }).duplicates.duplicateRecords).toBe(0);
  });

  it('adds up per dealer to the whole base', () => {
    const arb = fc.array(
      fc.record({
        dealer: fc.constantFrom('D-1', 'D-2', 'D-3'),
        name: fc.constantFrom('王芳', '未知', '李先生', '张伟'),
        mobile: fc.option(fc.constantFrom('13812345678', '+8612812345678'), { nil: undefined }),
        idNumber: fc.option(fc.constantFrom(ID_A, '110105194912310021'), { nil: undefined }),
        verifiedDaysAgo: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const input = rows.map((r, i) =>
          person({
            id: `X${i}`,
            dealerId: r.dealer,
            name: r.name,
            ...(r.idNumber === undefined ? {} : { idNumber: r.idNumber }),
            contactPoints: r.mobile === undefined ? [] : [{ kind: 'mobile', value: r.mobile }],
            ...(r.verifiedDaysAgo === undefined ? {} : { lastVerifiedAt: new Date(Date.parse(asOf) - r.verifiedDaysAgo * 86_400_000) }),
          }),
        );
        const report = assessDataQuality(input, { asOf, byDealer: true });
        for (const name of ['name', 'mobile', 'idNumber'] as const) {
          for (const key of ['applicable', 'filled', 'assessed', 'valid'] as const) {
            expect(report.dealers!.reduce((sum, d) => sum + field(d.fields, name)[key], 0)).toBe(field(report.fields, name)[key]);
          }
          const f = field(report.fields, name);
          expect(f.valid).toBeLessThanOrEqual(f.assessed);
          expect(f.assessed).toBeLessThanOrEqual(f.filled);
        }
        expect(report.dealers!.reduce((sum, d) => sum + d.staleness.stale, 0)).toBe(report.staleness.stale);
        expect(report.dealers!.reduce((sum, d) => sum + d.duplicates.duplicateRecords, 0)).toBeLessThanOrEqual(report.duplicates.duplicateRecords);
      }),
      { numRuns: 100 },
    );
  });

  it('throws a ValidationError for bad options and verification after asOf', () => {
    expect(issuesOf(() => assessDataQuality(customers, { asOf: 'now' }))[0]!.path).toBe('options.asOf');
    expect(issuesOf(() => assessDataQuality(customers, {} as never))[0]!.path).toBe('options.asOf');
    expect(issuesOf(() => assessDataQuality(customers, { asOf, staleAfterDays: -1 }))[0]!.path).toBe('options.staleAfterDays');
    expect(issuesOf(() => assessDataQuality(customers, { asOf, stalenessBucketsDays: [90, 30] }))[0]!.path).toBe('options.stalenessBucketsDays');
    expect(issuesOf(() => assessDataQuality(customers, { asOf, minAgeYears: 130 }))[0]!.path).toBe('options.minAgeYears');
    expect(issuesOf(() => assessDataQuality(customers, { asOf: '2024-05-01T00:00:00+08:00' }))[0]!.path).toBe('customers[0].lastVerifiedAt');
    expect(issuesOf(() => assessDataQuality([person({ id: 'A', birthday: '1990-02-30' })], { asOf }))[0]!.path).toBe('customers[0].birthday');
  });
});
