import { describe, expect, test } from 'vitest';
import { customerLifetimeValue, fitBgNbd, fitGammaGamma, predictBgNbd, summarizeTransactions, type RetentionTransaction } from 'dealer-crm/retention';
import { Random, simulateBgNbdVisits } from './helpers/random.js';

describe('from transactions to forecasts', () => {
  test('a simulated dealer history, summarised by day, gives back the visit and spend parameters and a holdout forecast within noise', () => {
    const truth = { r: 1.5, alpha: 200, a: 1.2, b: 6 }; // in days: about 2.7 visits a year
    const spend = { p: 5, q: 6, gamma: 500_000 }; // fen: about ¥1 250 a visit
    const random = new Random(2025);
    const start = Date.parse('2022-01-01T00:00:00+08:00');
    const calibrationEnd = new Date('2023-12-31T23:59:59+08:00');
    const observationEnd = new Date('2024-12-31T23:59:59+08:00');
    const totalDays = (observationEnd.getTime() - start) / 86_400_000;
    const transactions: RetentionTransaction[] = [];
    for (let c = 0; c < 4000; c++) {
      const joined = Math.floor(random.uniform() * 600);
      const nu = random.gamma(spend.q, spend.gamma);
      const visitTimes = [0, ...simulateBgNbdVisits(random, truth, totalDays - joined - 1)];
      for (const t of visitTimes) {
        const at = new Date(start + (joined + t) * 86_400_000);
        transactions.push({ customerId: `C${c}`, at, revenueMinor: Math.round(random.gamma(spend.p, nu)) });
      }
    }
    const summary = summarizeTransactions(transactions, { calibrationEnd, observationEnd, unit: 'day' });
    expect(summary.customers).toHaveLength(4000);

    const visits = fitBgNbd(summary.customers);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(Math.abs(visits.params[key] - truth[key])).toBeLessThan(3 * visits.standardErrors![key]);
    }
    // The 2024 holdout: forecast and actual repeat visits agree to within a few percent.
    const forecast = predictBgNbd(visits, summary.customers, { horizon: summary.holdoutLength! });
    const predicted = forecast.expectedVisits.reduce((s, v) => s + v, 0);
    const actual = summary.customers.reduce((s, c) => s + c.holdoutFrequency!, 0);
    expect(Math.abs(predicted - actual) / actual).toBeLessThan(0.08);

    const spending = fitGammaGamma(summary.customers);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(spending.params[key] - spend[key])).toBeLessThan(3 * spending.standardErrors![key]);
    }
    const values = customerLifetimeValue(visits, spending, summary.customers, { horizon: 365, periodLength: 365 / 12, discountRate: 0 });
    // Undiscounted revenue over the holdout year, forecast vs actual.
    const forecastRevenue = values.reduce((s, v) => s + v.clvMinor, 0);
    const actualRevenue = summary.customers.reduce((s, c) => s + c.holdoutFrequency! * (c.holdoutMeanSpendMinor ?? 0), 0);
    expect(Math.abs(forecastRevenue - actualRevenue) / actualRevenue).toBeLessThan(0.1);
  });
});
