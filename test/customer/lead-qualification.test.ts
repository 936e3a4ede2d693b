import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultLeadQualificationPolicy, defineLeadQualificationPolicy, qualifyLead, type AwareAnswers, type LeadInput } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';

function lead(aware: Partial<AwareAnswers>): LeadInput {
  return { id: 'L-1', dealerId: 'D-1', source: 'walk_in', stage: 'contacted', aware, createdAt: '2024-05-01T10:00:00+08:00', updatedAt: '2024-05-02T10:00:00+08:00' };
}

describe('qualifyLead', () => {
  it('grades a fully qualified prospect A with 100 points', () => {
    const result = qualifyLead(lead({ ability: 'yes', want: 'yes', authority: 'yes', reasonable: 'yes', eligible: 'yes' }));
    expect(result).toMatchObject({ leadId: 'L-1', score: 100, grade: 'A', qualified: true, disqualifiedBy: [], unanswered: [] });
    expect(result.reasons.map((r) => [r.question, r.points, r.maxPoints])).toEqual([
      ['ability', 30, 30],
      ['want', 25, 25],
      ['authority', 15, 15],
      ['reasonable', 15, 15],
      ['eligible', 15, 15],
    ]);
  });

  it('adds partial credit and lists what to ask next', () => {
    // 30 (ability yes) + 12.5 (want partly: half of 25) + 0 (authority unknown) + 15 + 15 = 72.5 → B (≥ 60, < 80).
    const result = qualifyLead(lead({ ability: 'yes', want: 'partly', reasonable: 'yes', eligible: 'yes' }));
    expect(result).toMatchObject({ score: 72.5, grade: 'B', qualified: true, unanswered: ['authority'] });
    expect(result.reasons[1]).toMatchObject({ question: 'want', answer: 'partly', points: 12.5, maxPoints: 25 });
    expect(result.reasons[1]!.message).toContain('wants the vehicle');
  });

  it('disqualifies on a no to ability or eligibility whatever the score', () => {
    // Without ability the rest still earns 25 + 15 + 15 + 15 = 70, but the lead is out.
    const result = qualifyLead(lead({ ability: 'no', want: 'yes', authority: 'yes', reasonable: 'yes', eligible: 'yes' }));
    expect(result).toMatchObject({ score: 70, grade: 'F', qualified: false, disqualifiedBy: ['ability'] });
    expect(result.reasons[0]).toMatchObject({ disqualifying: true });
    // A no on want is not disqualifying by default: 30 + 15 + 15 + 15 = 75 → B.
    expect(qualifyLead(lead({ ability: 'yes', want: 'no', authority: 'yes', reasonable: 'yes', eligible: 'yes' }))).toMatchObject({ score: 75, grade: 'B', qualified: true });
  });

  it('grades an unknown prospect D and asks the weightiest questions first', () => {
    expect(qualifyLead(lead({}))).toMatchObject({ score: 0, grade: 'D', unanswered: ['ability', 'want', 'authority', 'reasonable', 'eligible'] });
  });

  it('follows a custom policy', () => {
    const policy = defineLeadQualificationPolicy({
      weights: { ability: 1, want: 2, authority: 1, reasonable: 0, eligible: 0 },
      credit: { yes: 1, partly: 0.8, no: 0, unknown: 0.1 },
      disqualifyOnNo: [],
      grades: [
        { grade: 'hot', minScore: 70 },
        { grade: 'warm', minScore: 30 },
        { grade: 'cold', minScore: 0 },
      ],
      disqualifiedGrade: 'out',
    });
    // Weights 1:2:1 of 4 → 25, 50, 25 points. want partly → 40, ability no → 0, authority unknown → 2.5: 42.5 → warm.
    expect(qualifyLead(lead({ ability: 'no', want: 'partly' }), policy)).toMatchObject({ score: 42.5, grade: 'warm', qualified: true });
    expect(Object.isFrozen(policy.grades[0])).toBe(true);
  });

  it('always scores between 0 and 100 and never grades a disqualified lead above the floor', () => {
    const answer = fc.constantFrom('yes' as const, 'partly' as const, 'no' as const, 'unknown' as const);
    fc.assert(
      fc.property(fc.record({ ability: answer, want: answer, authority: answer, reasonable: answer, eligible: answer }), (aware) => {
        const result = qualifyLead(lead(aware));
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(100);
        expect(result.reasons.reduce((sum, r) => sum + r.points, 0)).toBeCloseTo(result.score, 9);
        expect(result.qualified).toBe(aware.ability !== 'no' && aware.eligible !== 'no');
        if (!result.qualified) expect(result.grade).toBe(defaultLeadQualificationPolicy.disqualifiedGrade);
      }),
    );
  });

  it('throws a ValidationError for a bad lead or policy', () => {
    expect(issuesOf(() => qualifyLead(lead({ want: 'maybe' as never })))[0]!.path).toBe('lead.aware.want');
    expect(issuesOf(() => qualifyLead({ ...lead({}), stage: 'sold' as never }))[0]!.path).toBe('lead.stage');
    const base = defaultLeadQualificationPolicy;
    expect(issuesOf(() => qualifyLead(lead({}), { ...base, credit: { ...base.credit, partly: 1.5 } }))[0]!.path).toBe('policy.credit.partly');
    expect(issuesOf(() => qualifyLead(lead({}), { ...base, weights: { ...base.weights, want: -1 } }))[0]!.path).toBe('policy.weights.want');
    expect(issuesOf(() => defineLeadQualificationPolicy({ ...base, grades: [{ grade: 'A', minScore: 50 }, { grade: 'B', minScore: 60 }, { grade: 'C', minScore: 0 }] }))[0]!.path).toBe('grades[1].minScore');
    expect(issuesOf(() => defineLeadQualificationPolicy({ ...base, grades: [{ grade: 'A', minScore: 50 }] }))[0]!.path).toBe('grades[0].minScore');
    expect(issuesOf(() => defineLeadQualificationPolicy({ ...base, weights: { ability: 0, want: 0, authority: 0, reasonable: 0, eligible: 0 } }))[0]!.path).toBe('weights');
  });
});
