import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ComplaintEventSchema, evaluateSla, defaultComplaintSlaPolicy } from 'dealer-crm/complaints';
import { fastComplaintEvent } from '../../src/complaints/event-fast-path.js';

// The hot loops accept plainly valid events without a schema parse. These
// properties pin that shortcut to the schema: it never accepts what the schema
// rejects, and what it accepts is what the schema returns.

// Valid values, and values that break a rule, for every field an event may carry.
const good: Record<string, fc.Arbitrary<unknown>> = {
  id: fc.constantFrom('E1', 'K-1', '案件-7', 'x'.repeat(128)),
  at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }),
  text: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('字'.repeat(500))),
  longText: fc.constant('字'.repeat(4000)),
  vin: fc.constantFrom('LSVAA4181E2123456', 'lsvaa4181e2123456'),
  channel: fc.constantFrom('oem_hotline', 'wechat', 'walk_in'),
  severity: fc.constantFrom('enquiry', 'complex', 'difficult', 'emergency'),
  category: fc.constantFrom('price', 'roadside_rescue', 'waiting_time'),
  to: fc.constantFrom('acknowledged', 'in_progress', 'waiting_on_customer'),
  rootCause: fc.constantFrom('price', 'communication'),
  score: fc.integer({ min: 1, max: 5 }),
};
const bad: fc.Arbitrary<unknown> = fc.constantFrom('', ' padded', 'tab\tbed', 'x'.repeat(129), '字'.repeat(4001), 'EMERGENCY', 'resolved', 0, 6, 2.5, '5', null, undefined, new Date(Number.NaN), '2024-05-06T09:00:00+08:00', 1_700_000_000_000, {}, []);

const kindOf: Record<string, string> = {
  id: 'id', caseId: 'id', actorId: 'id', dealerId: 'id', customerId: 'id', at: 'at', note: 'longText', subject: 'text', resolution: 'longText', reason: 'longText',
  vin: 'vin', channel: 'channel', severity: 'severity', category: 'category', to: 'to', rootCause: 'rootCause', score: 'score',
};
const required: Record<string, readonly string[]> = {
  opened: ['dealerId', 'channel', 'severity', 'category'],
  status_changed: ['to'],
  severity_changed: ['severity'],
  category_changed: ['category'],
  public_reply: [],
  customer_reply: [],
  resolved: ['rootCause'],
  reopened: [],
  closed: [],
  cancelled: [],
  satisfaction_recorded: ['score'],
};
const optional: Record<string, readonly string[]> = {
  opened: ['customerId', 'vin', 'subject'],
  resolved: ['resolution'],
  reopened: ['reason'],
  cancelled: ['reason'],
};

const event = fc
  .record({
    type: fc.constantFrom(...Object.keys(required)),
    withOptional: fc.subarray(['actorId', 'note', 'customerId', 'vin', 'subject', 'resolution', 'reason']),
    mutation: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('break' as const), field: fc.constantFrom('id', 'caseId', 'at', 'actorId', 'note', ...Object.keys(kindOf)), value: bad }),
      fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom('id', 'caseId', 'at', 'dealerId', 'to', 'score', 'rootCause', 'type') }),
      fc.record({ kind: fc.constant('extra' as const), field: fc.constantFrom('extra', 'vin', 'score', 'to', '__proto__') }),
      fc.record({ kind: fc.constant('retype' as const), type: fc.constantFrom('archived', 'OPENED', '') }),
    ),
  })
  .chain(({ type, withOptional, mutation }) => {
    const keys = ['id', 'caseId', 'at', ...required[type]!, ...withOptional.filter((key) => key === 'actorId' || key === 'note' || (optional[type] ?? []).includes(key))];
    return fc.record(Object.fromEntries(keys.map((key) => [key, good[kindOf[key] ?? key]!]))).map((values) => {
      const candidate: Record<string, unknown> = { type, ...values };
      if (mutation.kind === 'break') candidate[mutation.field] = mutation.value;
      else if (mutation.kind === 'drop') Reflect.deleteProperty(candidate, mutation.field);
      else if (mutation.kind === 'extra') Object.defineProperty(candidate, mutation.field, { value: 1, enumerable: true, configurable: true, writable: true });
      else if (mutation.kind === 'retype') candidate.type = mutation.type;
      return candidate;
    });
  });

describe('the event fast path', () => {
  it('never accepts an event the schema rejects, and returns what the schema returns', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(event, (candidate) => {
        const fast = fastComplaintEvent(candidate);
        const slow = ComplaintEventSchema.safeParse(candidate);
        if (fast !== undefined) {
          accepted += 1;
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        } else if (!slow.success) rejected += 1;
      }),
      { numRuns: 3000 },
    );
    // The run exercised both sides: plainly valid events taken fast, and broken ones left to the schema.
    expect(accepted).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });

  it('accepts plainly valid events of every kind', () => {
    const at = new Date('2024-05-06T01:00:00Z');
    const valid = [
      { type: 'opened', id: 'E1', caseId: 'K1', at, dealerId: 'D1', channel: 'wechat', severity: 'complex', category: 'price' },
      { type: 'status_changed', id: 'E2', caseId: 'K1', at, to: 'waiting_on_customer', note: '等客户回电' },
      { type: 'resolved', id: 'E3', caseId: 'K1', at, rootCause: 'price', actorId: 'S-9' },
      { type: 'satisfaction_recorded', id: 'E4', caseId: 'K1', at, score: 5 },
    ];
    for (const candidate of valid) expect(fastComplaintEvent(candidate)).toBe(candidate);
    // ISO strings and VINs need the schema (conversion, normalisation): the fast path declines.
    expect(fastComplaintEvent({ ...valid[1], at: '2024-05-06T09:00:00+08:00' })).toBeUndefined();
    expect(fastComplaintEvent({ ...valid[0], vin: 'LSVAA4181E2123456' })).toBeUndefined();
  });

  it('gives evaluateSla the same answer whether instants arrive as Dates or ISO strings', () => {
    const iso = [
      { type: 'opened', id: 'E1', caseId: 'K1', at: '2024-05-06T10:00:00+08:00', dealerId: 'D1', channel: 'wechat', severity: 'complex', category: 'price' },
      { type: 'public_reply', id: 'E2', caseId: 'K1', at: '2024-05-06T10:30:00+08:00' },
    ] as const;
    const dates = iso.map((e) => ({ ...e, at: new Date(e.at) }));
    const asOf = new Date('2024-05-07T00:00:00+08:00');
    expect(evaluateSla(defaultComplaintSlaPolicy, dates, { asOf })).toEqual(evaluateSla(defaultComplaintSlaPolicy, iso, { asOf }));
  });
});
