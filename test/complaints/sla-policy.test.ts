import { describe, expect, it } from 'vitest';
import { defaultComplaintSlaPolicy, defineSlaPolicy, isDefinedSlaPolicy, slaTargetsFor, type SlaPolicyConfig } from 'dealer-crm/complaints';
import { HOUR, MINUTE } from './support/calendars.js';
import { dealerPolicy } from './support/policies.js';
import { issuesOf } from '../support/errors.js';

describe('defaultComplaintSlaPolicy', () => {
  it('encodes the OEM promise on a 24×7 hotline calendar', () => {
    const policy = defaultComplaintSlaPolicy;
    expect(policy.calendars.hotline!.timeZone).toBe('Asia/Shanghai');
    expect(policy.calendars.hotline!.weeklyHours.sunday).toEqual([{ start: '00:00', end: '24:00' }]);
    // General enquiries answered at once; complex within 24 h; difficult within 72 h; rescue at once with updates every 30 min.
    expect(slaTargetsFor(policy, 'enquiry', 'other')).toEqual({ first_response: { metric: 'first_response', targetMs: 0, calendar: 'hotline', pausable: false } });
    expect(slaTargetsFor(policy, 'complex', 'service_quality').resolution).toEqual({ metric: 'resolution', targetMs: 24 * HOUR, calendar: 'hotline', pausable: true });
    expect(slaTargetsFor(policy, 'difficult', 'product_quality').resolution?.targetMs).toBe(72 * HOUR);
    const rescue = slaTargetsFor(policy, 'emergency', 'roadside_rescue');
    expect(rescue.first_response?.targetMs).toBe(0);
    expect(rescue.periodic_update).toEqual({ metric: 'periodic_update', targetMs: 30 * MINUTE, calendar: 'hotline', pausable: true });
    expect(rescue.satisfaction_follow_up?.targetMs).toBe(72 * HOUR);
    expect(policy.pauseStatuses).toEqual(['waiting_on_customer']);
    expect(policy.escalations.map((rule) => [rule.level, rule.atShare])).toEqual([
      ['service_advisor', 0.5],
      ['service_manager', 0.75],
      ['general_manager', 1],
      ['oem_region', 1],
    ]);
  });

  it('is frozen, JSON-serialisable and can be spread into a dealer’s own policy', () => {
    expect(Object.isFrozen(defaultComplaintSlaPolicy)).toBe(true);
    expect(Object.isFrozen(defaultComplaintSlaPolicy.targets.complex)).toBe(true);
    const json = JSON.parse(JSON.stringify(defaultComplaintSlaPolicy)) as SlaPolicyConfig;
    expect(defineSlaPolicy(json)).toEqual(defaultComplaintSlaPolicy);
    const own = defineSlaPolicy({ ...defaultComplaintSlaPolicy, id: 'mine', targets: { ...defaultComplaintSlaPolicy.targets, complex: { resolution: { targetMs: 8 * HOUR, calendar: 'hotline' } } } });
    expect(isDefinedSlaPolicy(own)).toBe(true);
    expect(slaTargetsFor(own, 'complex', 'price').resolution?.targetMs).toBe(8 * HOUR);
    // A defined calendar passed into a policy is kept as is.
    expect(defineSlaPolicy({ ...own }).calendars.hotline).toBe(own.calendars.hotline);
  });
});

describe('category rules', () => {
  it('replace the severity’s targets metric by metric, a rule with a severity winning over one without', () => {
    const policy = defineSlaPolicy({
      ...dealerPolicy,
      categoryRules: [
        { category: 'parts_availability', targets: { resolution: { targetMs: 48 * HOUR, calendar: 'office' } } },
        { category: 'parts_availability', severity: 'difficult', targets: { resolution: { targetMs: 120 * HOUR, calendar: 'office', pausable: false } } },
      ],
    });
    expect(slaTargetsFor(policy, 'complex', 'parts_availability').resolution?.targetMs).toBe(48 * HOUR);
    expect(slaTargetsFor(policy, 'complex', 'parts_availability').first_response?.targetMs).toBe(HOUR);
    expect(slaTargetsFor(policy, 'difficult', 'parts_availability').resolution).toEqual({ metric: 'resolution', targetMs: 120 * HOUR, calendar: 'office', pausable: false });
    expect(slaTargetsFor(policy, 'difficult', 'price').resolution?.targetMs).toBe(72 * HOUR);
  });
});

describe('bad policies', () => {
  const base = { id: 'p', name: 'p', calendars: { office: { weeklyHours: { monday: [{ start: '09:00', end: '17:00' }] } } } };
  const targets = { enquiry: {}, complex: {}, difficult: {}, emergency: {} };

  it('rejects a target naming an unknown calendar', () => {
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets: { ...targets, complex: { resolution: { targetMs: HOUR, calendar: 'shop' } } } }))).toEqual([
      { path: 'targets.complex.resolution.calendar', message: 'expected the name of one of the policy\'s calendars (office), got "shop"' },
    ]);
  });

  it('rejects a negative or fractional target', () => {
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets: { ...targets, complex: { resolution: { targetMs: -1, calendar: 'office' } } } }))[0]!.path).toBe('targets.complex.resolution.targetMs');
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets: { ...targets, complex: { resolution: { targetMs: 1.5, calendar: 'office' } } } }))[0]!.path).toBe('targets.complex.resolution.targetMs');
  });

  it('rejects a bad calendar inside the policy, a non-working pause status and duplicate category rules', () => {
    expect(issuesOf(() => defineSlaPolicy({ ...base, calendars: { office: { timeZone: 'Nowhere/Town', weeklyHours: { monday: [{ start: '09:00', end: '17:00' }] } } }, targets }))[0]!.path).toBe('calendars.office.timeZone');
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets, pauseStatuses: ['resolved'] }))[0]!.path).toBe('pauseStatuses[0]');
    const rule = { category: 'price', targets: {} } as const;
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets, categoryRules: [rule, rule] }))[0]!.path).toBe('categoryRules[1]');
  });

  it('rejects a missing severity and an escalation share of zero', () => {
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets: { enquiry: {}, complex: {}, difficult: {} } as never }))[0]!.path).toBe('targets.emergency');
    expect(issuesOf(() => defineSlaPolicy({ ...base, targets, escalations: [{ level: 'service_advisor', atShare: 0 }] }))[0]!.path).toBe('escalations[0].atShare');
  });
});
