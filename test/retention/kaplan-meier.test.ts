import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { kaplanMeier, logRankTest, survivalAt, type SurvivalObservation } from 'dealer-crm/retention';

/**
 * Freireich et al. (1963) remission times in weeks, the worked example of
 * Kleinbaum & Klein, Survival Analysis: A Self-Learning Text, chapter 2
 * ("+" = censored). 6-MP: 6,6,6,7,10,13,16,22,23, 6+,9+,10+,11+,17+,19+,20+,25+,32+,32+,34+,35+.
 * Placebo: 1,1,2,2,3,4,4,5,5,8,8,8,8,11,11,12,12,15,17,22,23.
 */
const treated: SurvivalObservation[] = [
  ...[6, 6, 6, 7, 10, 13, 16, 22, 23].map((time) => ({ time, event: true, stratum: '6-MP' })),
  ...[6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35].map((time) => ({ time, event: false, stratum: '6-MP' })),
];
const placebo: SurvivalObservation[] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map((time) => ({
  time,
  event: true,
  stratum: 'placebo',
}));

describe('kaplanMeier on the Freireich leukaemia remission data', () => {
  const km = kaplanMeier([...treated, ...placebo]);
  const sixMp = km.strata['6-MP']!;

  test('reproduces the textbook survival estimates of the 6-MP group', () => {
    // S(6) = 18/21; S(7) = S(6)·16/17; S(10) = ·14/15; S(13) = ·11/12; S(16) = ·10/11; S(22) = ·6/7; S(23) = ·5/6.
    const s6 = 18 / 21;
    const s7 = (s6 * 16) / 17;
    const s10 = (s7 * 14) / 15;
    const s13 = (s10 * 11) / 12;
    const s16 = (s13 * 10) / 11;
    const s22 = (s16 * 6) / 7;
    const s23 = (s22 * 5) / 6;
    const at = (t: number) => sixMp.steps.find((s) => s.time === t)!;
    expect(at(6).survival).toBeCloseTo(s6, 12);
    expect(at(7).survival).toBeCloseTo(s7, 12);
    expect(at(10).survival).toBeCloseTo(s10, 12);
    expect(at(13).survival).toBeCloseTo(s13, 12);
    expect(at(16).survival).toBeCloseTo(s16, 12);
    expect(at(22).survival).toBeCloseTo(s22, 12);
    expect(at(23).survival).toBeCloseTo(s23, 12);
    expect([s6, s7, s10, s13, s16, s22, s23].map((s) => s.toFixed(4))).toEqual(['0.8571', '0.8067', '0.7529', '0.6902', '0.6275', '0.5378', '0.4482']);
  });

  test('counts subjects at risk, events and censorings at each time', () => {
    const at = (t: number) => sixMp.steps.find((s) => s.time === t)!;
    expect(at(6)).toMatchObject({ atRisk: 21, events: 3, censored: 1 });
    expect(at(7)).toMatchObject({ atRisk: 17, events: 1, censored: 0 });
    expect(at(10)).toMatchObject({ atRisk: 15, events: 1, censored: 1 });
    expect(at(22)).toMatchObject({ atRisk: 7, events: 1 });
    expect(at(35)).toMatchObject({ atRisk: 1, events: 0, censored: 1 });
    expect(sixMp.subjects).toBe(21);
    expect(sixMp.events).toBe(9);
  });

  test('gives the Greenwood standard errors: 0.0764 at 6 weeks and 0.1345 at 23', () => {
    // SE(6) = S·√(3/(21·18)) = 0.857143·0.089087 = 0.076360.
    expect(sixMp.steps.find((s) => s.time === 6)!.standardError).toBeCloseTo(0.07636, 5);
    // Σ d/(n(n−d)) to 23 weeks: 3/378 + 1/272 + 1/210 + 1/132 + 1/110 + 1/42 + 1/30 = 0.0899144.
    const s23 = sixMp.steps.find((s) => s.time === 23)!;
    expect(s23.standardError).toBeCloseTo(s23.survival * Math.sqrt(3 / 378 + 1 / 272 + 1 / 210 + 1 / 132 + 1 / 110 + 1 / 42 + 1 / 30), 12);
    expect(s23.standardError).toBeCloseTo(0.1344, 3);
  });

  test('gives the log-log interval at 6 weeks: S^exp(±z·σ) = [0.6197, 0.9516]', () => {
    // σ = √(3/378) / |ln(18/21)| = 0.089087 / 0.154151 = 0.577920; z = 1.959964.
    const step = sixMp.steps.find((s) => s.time === 6)!;
    expect(step.lower).toBeCloseTo(0.61972, 4);
    expect(step.upper).toBeCloseTo(0.95156, 4);
  });

  test('gives the linear Greenwood interval when asked, clipped to [0, 1]', () => {
    const linear = kaplanMeier(treated, { confidenceInterval: 'linear' }).strata['6-MP']!;
    const step = linear.steps.find((s) => s.time === 6)!;
    // 0.857143 ± 1.959964 · 0.076360 = 0.857143 ± 0.149663.
    expect(step.lower).toBeCloseTo(0.70748, 4);
    expect(step.upper).toBe(1);
  });

  test('gives the median survival: 23 weeks on 6-MP, 8 on placebo', () => {
    expect(sixMp.medianSurvival).toBe(23);
    expect(km.strata.placebo!.medianSurvival).toBe(8);
    // Placebo: S(5) = 21→19→17→16→14→12 at risk: 1·19/21·17/19·16/17·14/16·12/14 = 12/21 > 0.5; S(8) = 8/21 ≤ 0.5.
    expect(survivalAt(km.strata.placebo!, 5)).toBeCloseTo(12 / 21, 12);
    expect(survivalAt(km.strata.placebo!, 8)).toBeCloseTo(8 / 21, 12);
  });

  test('reproduces the textbook log-rank test: O = 9 vs E = 19.25, chi-square 16.79 on 1 df', () => {
    const test = km.logRank!;
    expect(test.degreesOfFreedom).toBe(1);
    expect(test.groups).toEqual([
      { stratum: '6-MP', subjects: 21, observed: 9, expected: expect.closeTo(19.25, 2) },
      { stratum: 'placebo', subjects: 21, observed: 21, expected: expect.closeTo(10.75, 2) },
    ]);
    expect(test.statistic).toBeCloseTo(16.79, 2);
    // The chi-square tail with 1 df at 16.79: p ≈ 4.17e-5.
    expect(test.pValue).toBeCloseTo(4.17e-5, 6);
    expect(logRankTest([...treated, ...placebo]).statistic).toBe(test.statistic);
  });
});

const observation = fc.record({ time: fc.integer({ min: 0, max: 30 }), event: fc.boolean(), stratum: fc.constantFrom('a', 'b', 'c') });

describe('kaplanMeier properties', () => {
  test('without censoring the curve is the share of subjects still without the event', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), (times) => {
        const km = kaplanMeier(times.map((time) => ({ time, event: true })));
        for (const step of km.overall.steps) {
          expect(step.survival).toBeCloseTo(times.filter((t) => t > step.time).length / times.length, 12);
        }
        expect(km.strata).toEqual({});
        expect(km.logRank).toBeNull();
      }),
    );
  });

  test('at-risk counts are the subjects followed at least that long; the curve falls; the interval holds it', () => {
    fc.assert(
      fc.property(fc.array(observation, { minLength: 1, maxLength: 80 }), (observations) => {
        const km = kaplanMeier(observations);
        let previous = 1;
        for (const step of km.overall.steps) {
          expect(step.atRisk).toBe(observations.filter((o) => o.time >= step.time).length);
          expect(step.survival).toBeLessThanOrEqual(previous);
          expect(step.lower).toBeLessThanOrEqual(step.survival + 1e-15);
          expect(step.upper).toBeGreaterThanOrEqual(step.survival - 1e-15);
          expect(step.lower).toBeGreaterThanOrEqual(0);
          expect(step.upper).toBeLessThanOrEqual(1);
          previous = step.survival;
        }
        for (const [label, curve] of Object.entries(km.strata)) {
          expect(curve).toEqual(kaplanMeier(observations.filter((o) => o.stratum === label).map(({ time, event }) => ({ time, event }))).overall);
        }
      }),
    );
  });

  test('the log-rank statistic is 0 for identical strata and does not depend on which stratum is left out', () => {
    fc.assert(
      fc.property(fc.array(observation, { minLength: 6, maxLength: 60 }), (observations) => {
        const twin = [...observations.map((o) => ({ ...o, stratum: 'x' })), ...observations.map((o) => ({ ...o, stratum: 'y' }))];
        // (null when every subject at risk has the event at once: no variance, no test.)
        const twinTest = kaplanMeier(twin).logRank;
        if (twinTest) expect(twinTest.statistic).toBeCloseTo(0, 10);
        const labels = new Set(observations.map((o) => o.stratum));
        const events = observations.filter((o) => o.event).length;
        fc.pre(labels.size === 3 && events >= 3);
        let first: number;
        try {
          first = logRankTest(observations).statistic;
        } catch {
          return; // degenerate: a stratum never at risk at an event
        }
        // Rename so that a different stratum sorts last (and is the one left out of V).
        const renamed = observations.map((o) => ({ ...o, stratum: { a: 'z', b: 'b', c: 'c' }[o.stratum] }));
        expect(logRankTest(renamed).statistic).toBeCloseTo(first, 8);
      }),
    );
  });
});

describe('kaplanMeier bad input', () => {
  test('rejects an empty list, a negative time and a non-boolean event, with paths', () => {
    expect(() => kaplanMeier([])).toThrow(ValidationError);
    try {
      kaplanMeier([{ time: -1, event: true }, { time: 2, event: 'yes' as unknown as boolean }]);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['observations[0].time', 'observations[1].event']);
    }
  });

  test('rejects bad options and a log-rank test of one stratum', () => {
    expect(() => kaplanMeier(treated, { confidenceLevel: 1.5 })).toThrow(ValidationError);
    expect(() => logRankTest(treated)).toThrow(ValidationError);
  });

  test('leaves out of the log-rank test a stratum never at risk when events happen', () => {
    const early = [{ time: 0.5, event: false, stratum: 'left-early' }];
    const result = logRankTest([...treated, ...placebo, ...early]);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.statistic).toBeCloseTo(kaplanMeier([...treated, ...placebo]).logRank!.statistic, 12);
  });

  test('says when the log-rank test is undefined', () => {
    expect(() => logRankTest([{ time: 1, event: false, stratum: 'a' }, { time: 2, event: false, stratum: 'b' }])).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_FITTED' }),
    );
  });
});
