import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { churnRisk, defaultChurnRiskPolicy, defineChurnRiskPolicy, type ChurnRiskInput } from 'dealer-crm/retention';

const asOf = new Date('2025-06-01T09:00:00+08:00');

describe('churnRisk', () => {
  test('weights the known factors and renormalises over them', () => {
    const [risk] = churnRisk([{ customerId: 'C1', probabilityAlive: 0.4, serviceOverdueDays: 60, openComplaints: 1 }], defaultChurnRiskPolicy, { asOf });
    // Weights 0.35, 0.2, 0.2 over 0.75; risks 0.6, 60/180, 0.5:
    // (0.35·0.6 + 0.2·0.3333 + 0.2·0.5) / 0.75 = (0.21 + 0.06667 + 0.1) / 0.75 = 0.50222.
    expect(risk!.score).toBeCloseTo(0.376667 / 0.75, 5);
    expect(risk!.band).toBe('medium');
    expect(risk!.contributions.map((c) => c.factor)).toEqual(['inactivity', 'complaints', 'overdueService']);
    expect(risk!.contributions[0]).toMatchObject({ weight: expect.closeTo(0.35 / 0.75, 12), risk: expect.closeTo(0.6, 12), contribution: expect.closeTo(0.28, 12) });
    expect(risk!.missingFactors).toEqual(['warrantyEnd', 'satisfaction']);
  });

  test('scores every factor when all are known', () => {
    const [risk] = churnRisk(
      [{ customerId: 'C2', probabilityAlive: 0.9, serviceOverdueDays: 200, breachedComplaints: 1, warrantyEnd: '2025-01-01', satisfactionScore: 5 }],
      defaultChurnRiskPolicy,
      { asOf },
    );
    // 0.35·0.1 + 0.2·1 + 0.2·1 + 0.1·1 + 0.15·0 = 0.535.
    expect(risk!.score).toBeCloseTo(0.535, 12);
    expect(risk!.missingFactors).toEqual([]);
    expect(risk!.contributions.find((c) => c.factor === 'warrantyEnd')!.detail).toBe('warranty ended 2025-01-01');
  });

  test('ramps the warranty risk over the last 90 days: 45 days left is 0.5', () => {
    const risk = (warrantyEnd: string) => churnRisk([{ customerId: 'C', warrantyEnd }], defaultChurnRiskPolicy, { asOf })[0]!.contributions[0]!.risk;
    expect(risk('2025-07-16')).toBeCloseTo(0.5, 12);
    expect(risk('2025-12-31')).toBe(0);
    expect(risk('2025-06-01')).toBe(1);
  });

  test('maps satisfaction linearly: 2 on a 1–5 scale is risk 0.75, scores outside the scale are clamped', () => {
    const risk = (satisfactionScore: number) => churnRisk([{ customerId: 'C', satisfactionScore }], defaultChurnRiskPolicy, { asOf })[0]!.score;
    expect(risk(2)).toBeCloseTo(0.75, 12);
    expect(risk(9)).toBe(0);
    expect(risk(-3)).toBe(1);
  });

  test('contributions always sum to the score, weights to 1, and more overdue days never lower it', () => {
    const input = fc.record(
      {
        customerId: fc.constant('C'),
        probabilityAlive: fc.double({ min: 0, max: 1, noNaN: true }),
        serviceOverdueDays: fc.integer({ min: 0, max: 1000 }),
        openComplaints: fc.integer({ min: 0, max: 5 }),
        breachedComplaints: fc.integer({ min: 0, max: 5 }),
        satisfactionScore: fc.double({ min: 1, max: 5, noNaN: true }),
      },
      { requiredKeys: ['customerId'] },
    );
    fc.assert(
      fc.property(input, (customer) => {
        fc.pre(Object.keys(customer).length > 1);
        const [risk] = churnRisk([customer as ChurnRiskInput], defaultChurnRiskPolicy, { asOf });
        const sum = risk!.contributions.reduce((s, c) => s + c.contribution, 0);
        expect(risk!.score).toBeCloseTo(sum, 12);
        expect(risk!.contributions.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 12);
        expect(risk!.score).toBeGreaterThanOrEqual(0);
        expect(risk!.score).toBeLessThanOrEqual(1 + 1e-12);
        if (customer.serviceOverdueDays !== undefined) {
          const [later] = churnRisk([{ ...customer, serviceOverdueDays: customer.serviceOverdueDays + 30 } as ChurnRiskInput], defaultChurnRiskPolicy, { asOf });
          expect(later!.score).toBeGreaterThanOrEqual(risk!.score - 1e-12);
        }
      }),
    );
  });

  test('rejects a customer with nothing known, bad inputs and bad policies', () => {
    expect(() => churnRisk([{ customerId: 'C' }], defaultChurnRiskPolicy, { asOf })).toThrow(ValidationError);
    try {
      churnRisk([{ customerId: 'C', probabilityAlive: 1.5 }], defaultChurnRiskPolicy, { asOf });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues[0]!.path).toBe('customers[0].probabilityAlive');
    }
    expect(() => defineChurnRiskPolicy({ ...defaultChurnRiskPolicy, bands: { medium: 0.7, high: 0.5 } })).toThrow(ValidationError);
    expect(() =>
      defineChurnRiskPolicy({ ...defaultChurnRiskPolicy, weights: { inactivity: 0, overdueService: 0, complaints: 0, warrantyEnd: 0, satisfaction: 0 } }),
    ).toThrow(ValidationError);
    const custom = defineChurnRiskPolicy({ ...defaultChurnRiskPolicy, weights: { ...defaultChurnRiskPolicy.weights, satisfaction: 0 } });
    expect(Object.isFrozen(custom.weights)).toBe(true);
    expect(churnRisk([{ customerId: 'C', satisfactionScore: 1, probabilityAlive: 1 }], custom, { asOf })[0]!.missingFactors).toContain('satisfaction');
  });
});
