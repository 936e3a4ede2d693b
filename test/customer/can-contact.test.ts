import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canContact, consentsInForce, type ConsentInput, type CustomerInput } from 'dealer-crm/customer';
import { issuesOf } from '../support/errors.js';
import { person } from '../support/customers.js';

const T = (day: number, hour = 0) => new Date(Date.UTC(2024, 0, day, hour));
const iso = (day: number, hour = 0) => T(day, hour).toISOString();

function consent(purpose: ConsentInput['purpose'], channel: ConsentInput['channel'], status: ConsentInput['status'], day: number, extra: Partial<ConsentInput> = {}): ConsentInput {
  return { purpose, channel, status, at: iso(day), source: 'paper_form', ...extra };
}

function withMobile(consents: ConsentInput[], extra: Partial<CustomerInput> = {}): CustomerInput {
  return person({ id: 'C-1', contactPoints: [{ kind: 'mobile', value: '13812345678', consents }], ...extra });
}

describe('canContact', () => {
  it('allows a contact only after the grant and until the withdrawal', () => {
    const customer = withMobile([consent('marketing', 'sms', 'granted', 10), consent('marketing', 'sms', 'withdrawn', 20)]);
    // Before the grant: a consent recorded after the instant does not count.
    expect(canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(5) })).toMatchObject({ allowed: false, reason: 'no_consent', contactPointIndex: 0 });
    // At the very instant of the grant it is in force.
    const during = canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(10) });
    expect(during).toMatchObject({ allowed: true, reason: 'consent_in_force', contactPointIndex: 0 });
    expect(during.contactPoint?.value).toBe('+8613812345678');
    expect(during.consent?.at).toEqual(T(10));
    expect(canContact(customer, { purpose: 'marketing', channel: 'sms', at: iso(15) }).allowed).toBe(true);
    const after = canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(20) });
    expect(after).toMatchObject({ allowed: false, reason: 'consent_withdrawn' });
    expect(after.consent?.status).toBe('withdrawn');
    expect(after.message).toContain('withdrawn');
  });

  it('needs the same purpose and the same channel', () => {
    const customer = withMobile([consent('service_reminder', 'sms', 'granted', 1)]);
    expect(canContact(customer, { purpose: 'service_reminder', channel: 'sms', at: T(2) }).allowed).toBe(true);
    expect(canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(2) })).toMatchObject({ allowed: false, reason: 'no_consent' });
    expect(canContact(customer, { purpose: 'service_reminder', channel: 'phone', at: T(2) })).toMatchObject({ allowed: false, reason: 'no_consent' });
  });

  it('lets a grant lapse at its expiry', () => {
    const customer = withMobile([consent('survey', 'phone', 'granted', 1, { expiresAt: iso(8) })]);
    expect(canContact(customer, { purpose: 'survey', channel: 'phone', at: T(7, 23) }).allowed).toBe(true);
    expect(canContact(customer, { purpose: 'survey', channel: 'phone', at: T(8) })).toMatchObject({ allowed: false, reason: 'consent_expired' });
  });

  it('lets a withdrawal win over a grant recorded at the same instant, whatever their order', () => {
    for (const consents of [
      [consent('marketing', 'sms', 'granted', 3), consent('marketing', 'sms', 'withdrawn', 3)],
      [consent('marketing', 'sms', 'withdrawn', 3), consent('marketing', 'sms', 'granted', 3)],
    ]) {
      expect(canContact(withMobile(consents), { purpose: 'marketing', channel: 'sms', at: T(4) }).reason).toBe('consent_withdrawn');
    }
  });

  it('lets a later grant restore a withdrawn consent', () => {
    const customer = withMobile([consent('marketing', 'sms', 'granted', 1), consent('marketing', 'sms', 'withdrawn', 2), consent('marketing', 'sms', 'granted', 3)]);
    expect(canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(2, 12) }).allowed).toBe(false);
    expect(canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(3, 12) }).allowed).toBe(true);
  });

  it('needs a contact point able to carry the channel', () => {
    const landline = person({ id: 'C-2', contactPoints: [{ kind: 'phone', value: '+86 21 6123 4567', consents: [consent('marketing', 'sms', 'granted', 1), consent('marketing', 'phone', 'granted', 1)] }] });
    // A landline carries calls but not SMS, even with an SMS consent recorded on it.
    expect(canContact(landline, { purpose: 'marketing', channel: 'sms', at: T(2) })).toMatchObject({ allowed: false, reason: 'no_capable_contact_point', checked: [] });
    expect(canContact(landline, { purpose: 'marketing', channel: 'phone', at: T(2) }).allowed).toBe(true);
    expect(canContact(landline, { purpose: 'marketing', channel: 'email', at: T(2) }).reason).toBe('no_capable_contact_point');
    expect(canContact(person({ id: 'C-3' }), { purpose: 'marketing', channel: 'app', at: T(2) }).reason).toBe('no_capable_contact_point');

    const mailable = person({
      id: 'C-4',
      contactPoints: [{ kind: 'address', value: { province: '上海市', city: '上海市', street: '南京西路 1 号' }, consents: [consent('marketing', 'direct_mail', 'granted', 1)] }],
    });
    expect(canContact(mailable, { purpose: 'marketing', channel: 'direct_mail', at: T(2) }).allowed).toBe(true);
  });

  it('reads app consents from every contact point together', () => {
    const customer = person({
      id: 'C-5',
      contactPoints: [
        { kind: 'mobile', value: '13812345678', consents: [consent('marketing', 'app', 'granted', 1)] },
        { kind: 'email', value: 'wang@example.cn', consents: [consent('marketing', 'app', 'withdrawn', 5)] },
      ],
    });
    expect(canContact(customer, { purpose: 'marketing', channel: 'app', at: T(2) })).toMatchObject({ allowed: true, contactPointIndex: 0 });
    // The withdrawal on the e-mail contact point withdraws the app consent too.
    expect(canContact(customer, { purpose: 'marketing', channel: 'app', at: T(6) })).toMatchObject({ allowed: false, reason: 'consent_withdrawn', contactPointIndex: 1 });
  });

  it('chooses the primary contact point among those allowed, and reports the strongest refusal', () => {
    const customer = person({
      id: 'C-6',
      contactPoints: [
        { kind: 'mobile', value: '13900000001', consents: [consent('marketing', 'sms', 'granted', 1)] },
        { kind: 'mobile', value: '13900000002', primary: true, consents: [consent('marketing', 'sms', 'granted', 1)] },
        { kind: 'mobile', value: '13900000003', consents: [consent('marketing', 'sms', 'withdrawn', 1)] },
      ],
    });
    const allowed = canContact(customer, { purpose: 'marketing', channel: 'sms', at: T(2) });
    expect(allowed).toMatchObject({ allowed: true, contactPointIndex: 1 });
    expect(allowed.checked.map((c) => c.contactPointIndex)).toEqual([1, 0, 2]);

    const refused = person({
      id: 'C-7',
      contactPoints: [
        { kind: 'mobile', value: '13900000001', primary: true },
        { kind: 'mobile', value: '13900000002', consents: [consent('marketing', 'sms', 'granted', 1, { expiresAt: iso(2) })] },
        { kind: 'mobile', value: '13900000003', consents: [consent('marketing', 'sms', 'withdrawn', 1)] },
      ],
    });
    expect(canContact(refused, { purpose: 'marketing', channel: 'sms', at: T(3) })).toMatchObject({ allowed: false, reason: 'consent_withdrawn', contactPointIndex: 2 });
  });

  it('agrees with a declarative reading of the consent rules', () => {
    // Allowed iff, among the decisions at or before `at`, those at the latest
    // instant include no withdrawal and only grants that have not lapsed.
    const decision = fc.record({
      status: fc.constantFrom('granted' as const, 'withdrawn' as const),
      day: fc.integer({ min: 1, max: 6 }),
      expiresDay: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(decision, { maxLength: 6 }), fc.integer({ min: 0, max: 9 }), (decisions, atDay) => {
        const consents = decisions.map((d) =>
          consent('marketing', 'sms', d.status, d.day, d.status === 'granted' && d.expiresDay !== undefined && d.expiresDay > d.day ? { expiresAt: iso(d.expiresDay) } : {}),
        );
        const past = decisions.filter((d) => d.day <= atDay);
        const latest = Math.max(...past.map((d) => d.day));
        const atLatest = past.filter((d) => d.day === latest);
        const lapsed = (d: (typeof decisions)[number]) => d.expiresDay !== undefined && d.expiresDay > d.day && d.expiresDay <= atDay;
        const expected = atLatest.length > 0 && atLatest.every((d) => d.status === 'granted' && !lapsed(d));
        expect(canContact(withMobile(consents), { purpose: 'marketing', channel: 'sms', at: T(atDay) }).allowed).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('throws a ValidationError naming the bad part of the request or customer', () => {
    const customer = withMobile([]);
    expect(issuesOf(() => canContact(customer, { purpose: 'spam' as never, channel: 'sms', at: T(1) }))[0]!.path).toBe('request.purpose');
    expect(issuesOf(() => canContact(customer, { purpose: 'marketing', channel: 'fax' as never, at: T(1) }))[0]!.path).toBe('request.channel');
    expect(issuesOf(() => canContact(customer, { purpose: 'marketing', channel: 'sms', at: 'tomorrow' }))[0]!.path).toBe('request.at');
    expect(issuesOf(() => canContact(customer, { purpose: 'marketing', channel: 'sms', at: new Date(Number.NaN) }))[0]!.path).toBe('request.at');
    expect(issuesOf(() => canContact(withMobile([], { contactPoints: [{ kind: 'mobile', value: '12345' }] }), { purpose: 'marketing', channel: 'sms', at: T(1) }))[0]!.path).toBe('customer.contactPoints[0].value');
  });
});

describe('consentsInForce', () => {
  it('lists every purpose and channel in force, with the contact point', () => {
    const customer = person({
      id: 'C-8',
      contactPoints: [
        { kind: 'mobile', value: '13812345678', consents: [consent('marketing', 'sms', 'granted', 1), consent('service_reminder', 'sms', 'granted', 1), consent('service_reminder', 'phone', 'granted', 1), consent('survey', 'sms', 'withdrawn', 1)] },
        { kind: 'email', value: 'wang@example.cn', consents: [consent('marketing', 'email', 'granted', 1, { expiresAt: iso(3) })] },
      ],
    });
    // Purposes in schema order (marketing, …, service_reminder, survey), channels in schema
    // order (phone, sms, wechat, email, direct_mail, app); the withdrawn survey consent is absent.
    expect(consentsInForce(customer, T(2)).map((c) => `${c.purpose}/${c.channel}@${c.contactPointIndex}`)).toEqual([
      'marketing/sms@0',
      'marketing/email@1',
      'service_reminder/phone@0',
      'service_reminder/sms@0',
    ]);
    expect(consentsInForce(customer, T(4)).some((c) => c.channel === 'email')).toBe(false);
    expect(issuesOf(() => consentsInForce(customer, 'now'))[0]!.path).toBe('at');
  });
});
