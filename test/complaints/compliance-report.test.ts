import { describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { defaultComplaintSlaPolicy, evaluateSlaBatch, slaComplianceReport } from 'dealer-crm/complaints';
import { HOUR, MINUTE, at } from './support/calendars.js';
import { caseLog } from './support/policies.js';

// Default policy (24×7): complex resolution 24 h, difficult 72 h, enquiry first response at once.
const cases = [
  // D1: met (22 h), breached (26 h), an enquiry answered at once.
  caseLog('c1', { at: '2024-05-06T10:00:00+08:00', severity: 'complex', dealerId: 'D1' }).add('public_reply', '2024-05-06T10:30:00+08:00').add('resolved', '2024-05-07T08:00:00+08:00', { rootCause: 'service_quality' }),
  caseLog('c2', { at: '2024-05-06T10:00:00+08:00', severity: 'complex', dealerId: 'D1' }).add('public_reply', '2024-05-06T11:00:00+08:00').add('resolved', '2024-05-07T12:00:00+08:00', { rootCause: 'service_quality' }),
  caseLog('c3', { at: '2024-05-06T09:00:00+08:00', severity: 'enquiry', dealerId: 'D1' }).add('public_reply', '2024-05-06T09:00:00+08:00').add('resolved', '2024-05-06T09:05:00+08:00', { rootCause: 'price' }),
  // D2: met (48 h of 72), open at 64 h of 72 (at risk), cancelled.
  caseLog('c4', { at: '2024-05-06T08:00:00+08:00', severity: 'difficult', dealerId: 'D2' }).add('public_reply', '2024-05-06T09:00:00+08:00').add('resolved', '2024-05-08T08:00:00+08:00', { rootCause: 'parts_availability' }),
  caseLog('c5', { at: '2024-05-06T08:00:00+08:00', severity: 'difficult', dealerId: 'D2' }).add('public_reply', '2024-05-06T10:00:00+08:00'),
  caseLog('c6', { at: '2024-05-08T10:00:00+08:00', severity: 'complex', dealerId: 'D2' }).add('cancelled', '2024-05-08T11:00:00+08:00'),
  // Outside the period.
  caseLog('c7', { at: '2024-04-30T10:00:00+08:00', severity: 'complex', dealerId: 'D2' }).add('resolved', '2024-05-03T10:00:00+08:00', { rootCause: 'price' }),
];
const evaluations = evaluateSlaBatch(defaultComplaintSlaPolicy, cases.flatMap((log) => log.events), { asOf: at('2024-05-09T00:00:00+08:00') });
const period = { from: '2024-05-01T00:00:00+08:00', to: '2024-06-01T00:00:00+08:00' };

describe('slaComplianceReport', () => {
  const report = slaComplianceReport(evaluations, { period });

  it('counts met, breached, open and cancelled cases of the period and the compliance rate', () => {
    expect(report.total).toMatchObject({ key: {}, cases: 6, met: 3, breached: 1, open: 1, cancelled: 1, complianceRate: 0.75, openAtRisk: 1 });
    expect(report.rows.map((row) => [row.key.dealerId, row.cases, row.met, row.breached, row.complianceRate])).toEqual([
      ['D1', 3, 2, 1, 2 / 3],
      ['D2', 3, 1, 0, 1],
    ]);
    expect(report.rows[1]!.openAtRisk).toBe(1);
    // Follow-ups are due 72 h after each resolution of c1, c2 (complex) and c4 (difficult): all three still pending.
    expect(report.total.satisfactionFollowUps).toEqual({ met: 0, breached: 0, pending: 3 });
  });

  it('gives the median and 90th percentile of time to first response and to resolution (type 7)', () => {
    // First responses: c3 0, c1 30 min, c2 60 min, c4 60 min, c5 120 min.
    // Median of 5 = the 3rd = 60 min; p90: h = 4 × 0.9 = 3.6 → 60 + 0.6 × (120 − 60) = 96 min.
    expect(report.total.timeToFirstResponse).toEqual({ count: 5, medianMs: 60 * MINUTE, p90Ms: 96 * MINUTE });
    // D1: 0, 30, 60 → median 30; p90: h = 1.8 → 30 + 0.8 × 30 = 54 min.
    expect(report.rows[0]!.timeToFirstResponse).toEqual({ count: 3, medianMs: 30 * MINUTE, p90Ms: 54 * MINUTE });
    // Resolutions: 5 min, 22 h, 26 h, 48 h. Median: h = 1.5 → 22 + 0.5 × 4 = 24 h; p90: h = 2.7 → 26 + 0.7 × 22 = 41.4 h.
    expect(report.total.timeToResolution.count).toBe(4);
    expect(report.total.timeToResolution.medianMs).toBe(24 * HOUR);
    expect(report.total.timeToResolution.p90Ms).toBeCloseTo(41.4 * HOUR, 3);
  });

  it('builds the root-cause Pareto, most frequent first, ties in the listed order', () => {
    expect(report.rootCausePareto).toEqual([
      { rootCause: 'service_quality', cases: 2, share: 0.5, cumulativeShare: 0.5, vital: true },
      { rootCause: 'parts_availability', cases: 1, share: 0.25, cumulativeShare: 0.75, vital: true },
      { rootCause: 'price', cases: 1, share: 0.25, cumulativeShare: 1, vital: true },
    ]);
  });

  it('flags the dealers under the compliance threshold', () => {
    expect(report.flaggedDealers).toEqual([{ dealerId: 'D1', complianceRate: 2 / 3, met: 2, breached: 1 }]);
    expect(slaComplianceReport(evaluations, { period, complianceThreshold: 0.6 }).flaggedDealers).toEqual([]);
    expect(slaComplianceReport(evaluations, { period, minDecidedCases: 4 }).flaggedDealers).toEqual([]);
  });

  it('groups by several dimensions', () => {
    const bySeverity = slaComplianceReport(evaluations, { period, groupBy: ['dealer', 'severity'] });
    expect(bySeverity.rows.map((row) => [row.key.dealerId, row.key.severity, row.cases])).toEqual([
      ['D1', 'complex', 2],
      ['D1', 'enquiry', 1],
      ['D2', 'complex', 1],
      ['D2', 'difficult', 2],
    ]);
    expect(slaComplianceReport(evaluations, { period, groupBy: 'category' }).rows.map((row) => row.key)).toEqual([{ category: 'service_quality' }]);
  });

  it('rejects a bad period, a bad option and something that is not an evaluation', () => {
    expect(() => slaComplianceReport(evaluations, { period: { from: period.to, to: period.from } })).toThrow(ValidationError);
    expect(() => slaComplianceReport(evaluations, { period, groupBy: ['dealer', 'dealer'] })).toThrow(/each dimension once/);
    expect(() => slaComplianceReport(evaluations, { period, complianceThreshold: 90 })).toThrow(ValidationError);
    expect(() => slaComplianceReport([{ caseId: 'x' }] as never, { period })).toThrow(/cases\[0\]/);
  });
});
