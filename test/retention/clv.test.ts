import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import {
  bgNbdConditionalExpectedVisits,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaExpectedSpend,
  observedMeanSpend,
  paretoNbdConditionalExpectedVisits,
  type BgNbdFit,
} from 'dealer-crm/retention';
import { loadCdnow } from './helpers/cdnow.js';

const customers = loadCdnow().map((c) => ({
  customerId: `C${c.id}`,
  frequency: c.frequency,
  recency: c.recency,
  age: c.age,
  meanRepeatSpendMinor: c.frequency > 0 ? Math.round(c.meanRepeatSpend * 100) : null,
}));
const bg = fitBgNbd(customers);
const pareto = fitParetoNbd(customers);
const spend = fitGammaGamma(customers);
const sample = customers.slice(0, 40);

describe('customerLifetimeValue', () => {
  test('without discounting over one period is margin × expected spend × expected visits', () => {
    const values = customerLifetimeValue(bg, spend, sample, { horizon: 52, discountRate: 0, marginRate: 0.4 });
    values.forEach((value, i) => {
      const c = sample[i]!;
      const visits = bgNbdConditionalExpectedVisits(bg, c, 52);
      const unitSpend = gammaGammaExpectedSpend(spend, c);
      expect(value.customerId).toBe(c.customerId);
      expect(value.expectedVisits).toBeCloseTo(visits, 12);
      expect(value.probabilityAlive).toBeCloseTo(bgNbdProbabilityAlive(bg, c), 14);
      expect(value.expectedSpendMinor).toBe(unitSpend);
      // The CLV uses the unrounded spend; allow the rounding of the spend times the visits.
      expect(Math.abs(value.clvMinor - 0.4 * unitSpend * visits)).toBeLessThanOrEqual(0.4 * 0.5 * visits + 0.5);
    });
  });

  test('discounts each period: two 26-week periods at 5% are E₁/1.05 + (E₂ − E₁)/1.05²', () => {
    const c = sample[0]!; // x = 2, t_x = 30.43, T = 38.86
    const [value] = customerLifetimeValue(bg, spend.params, [c], { horizon: 52, periodLength: 26, discountRate: 0.05 });
    const e1 = bgNbdConditionalExpectedVisits(bg, c, 26);
    const e2 = bgNbdConditionalExpectedVisits(bg, c, 52);
    // Spend per visit p(γ + x·m̄)/(px + q − 1), unrounded.
    const { p, q, gamma } = spend.params;
    const unitSpend = (p * (gamma + 2 * 2235)) / (2 * p + q - 1);
    expect(value!.clvMinor).toBe(Math.round(unitSpend * (e1 / 1.05 + (e2 - e1) / 1.05 ** 2)));
  });

  test('a last period shorter than the others ends at the horizon', () => {
    const c = sample[5]!;
    const [value] = customerLifetimeValue(bg, spend, [c], { horizon: 10, periodLength: 4, discountRate: 0.1 });
    const e = [4, 8, 10].map((t) => bgNbdConditionalExpectedVisits(bg, c, t));
    const { p, q, gamma } = spend.params;
    const unitSpend = (p * (gamma + c.frequency * c.meanRepeatSpendMinor!)) / (c.frequency * p + q - 1);
    const discounted = e[0]! / 1.1 + (e[1]! - e[0]!) / 1.1 ** 2 + (e[2]! - e[1]!) / 1.1 ** 3;
    expect(value!.clvMinor).toBe(Math.round(unitSpend * discounted));
    expect(value!.expectedVisits).toBeCloseTo(e[2]!, 12);
  });

  test('works with a Pareto/NBD visit model', () => {
    const values = customerLifetimeValue(pareto, spend, sample, { horizon: 104, discountRate: 0 });
    values.forEach((value, i) => expect(value.expectedVisits).toBeCloseTo(paretoNbdConditionalExpectedVisits(pareto, sample[i]!, 104), 12));
  });

  test('is higher for a customer who keeps coming than for one who went silent', () => {
    const [loyal, silent] = customerLifetimeValue(
      bg,
      spend,
      [
        { customerId: 'loyal', frequency: 6, recency: 38, age: 39, meanRepeatSpendMinor: 3000 },
        { customerId: 'silent', frequency: 6, recency: 5, age: 39, meanRepeatSpendMinor: 3000 },
      ],
      { horizon: 52, periodLength: 4, discountRate: 0.01 },
    );
    expect(loyal!.clvMinor).toBeGreaterThan(10 * silent!.clvMinor);
    expect(loyal!.probabilityAlive).toBeGreaterThan(silent!.probabilityAlive);
  });

  test('with the observed mean spend, a repeat customer is valued at their own mean, the others at the base mean', () => {
    const observed = observedMeanSpend(customers);
    const values = customerLifetimeValue(bg, observed, sample, { horizon: 52, discountRate: 0, marginRate: 0.4 });
    values.forEach((value, i) => {
      const c = sample[i]!;
      const unitSpend = c.frequency > 0 ? c.meanRepeatSpendMinor! : observed.baseMeanSpendMinor;
      expect(value.expectedSpendMinor).toBe(Math.round(unitSpend));
      expect(value.clvMinor).toBe(Math.round(0.4 * unitSpend * bgNbdConditionalExpectedVisits(bg, c, 52)));
    });
    expect(() => customerLifetimeValue(bg, { ...observed, baseMeanSpendMinor: Number.NaN }, sample, { horizon: 52, discountRate: 0 })).toThrow(ValidationError);
  });

  test('rejects bad options, a non-fitted visit model and a repeat buyer without spend', () => {
    expect(() => customerLifetimeValue(bg, spend, sample, { horizon: -1, discountRate: 0 })).toThrow(ValidationError);
    expect(() => customerLifetimeValue(bg, spend, sample, { horizon: 52, discountRate: -0.1 })).toThrow(ValidationError);
    expect(() => customerLifetimeValue(bg.params as unknown as BgNbdFit, spend, sample, { horizon: 52, discountRate: 0 })).toThrow(ValidationError);
    try {
      customerLifetimeValue(bg, spend, [{ frequency: 2, recency: 1, age: 3, meanRepeatSpendMinor: null }], { horizon: 52, discountRate: 0 });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues[0]!.path).toBe('customers[0].meanRepeatSpendMinor');
    }
  });
});
