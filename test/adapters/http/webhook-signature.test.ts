import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crmWebhookHeaders, signCrmWebhook, verifyCrmWebhook, verifyCrmWebhookSignature } from 'dealer-crm/adapters/http';
import { CrmError } from 'dealer-crm/core';

// The Standard Webhooks specification's published test vector.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  seconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.seconds), 'webhook-signature': vector.signature };
const at = (seconds: number) => new Date(seconds * 1000);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CrmError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('webhook signatures', () => {
  it('reproduces the Standard Webhooks test vector', async () => {
    const headers = await signCrmWebhook({ secret: vector.secret, id: vector.id, timestamp: at(vector.seconds), body: vector.body });
    expect(headers).toEqual(vectorHeaders);
  });

  it('accepts the test vector within the tolerance, and refuses it outside (a replay)', async () => {
    const verify = (nowSeconds: number) => verifyCrmWebhookSignature({ secret: vector.secret, headers: vectorHeaders, body: vector.body, now: at(nowSeconds) });
    expect(await refusal(verify(vector.seconds + 300))).toBe('accepted');
    expect(await refusal(verify(vector.seconds - 300))).toBe('accepted');
    expect(await refusal(verify(vector.seconds + 301))).toBe('UNAUTHENTICATED');
    expect(await refusal(verify(vector.seconds - 301))).toBe('UNAUTHENTICATED');
  });

  it('refuses a changed body, id or timestamp, a wrong secret and missing headers', async () => {
    const now = at(vector.seconds);
    const verify = (changes: { headers?: Record<string, string>; body?: string; secret?: string }) =>
      refusal(verifyCrmWebhookSignature({ secret: changes.secret ?? vector.secret, headers: changes.headers ?? vectorHeaders, body: changes.body ?? vector.body, now }));
    expect(await verify({ body: '{"test": 2432232315}' })).toBe('UNAUTHENTICATED');
    expect(await verify({ headers: { ...vectorHeaders, 'webhook-id': 'msg_other' } })).toBe('UNAUTHENTICATED');
    expect(await verify({ headers: { ...vectorHeaders, 'webhook-timestamp': String(vector.seconds + 1) } })).toBe('UNAUTHENTICATED');
    expect(await verify({ secret: 'whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=' })).toBe('UNAUTHENTICATED');
    expect(await verify({ headers: { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.seconds) } })).toBe('UNAUTHENTICATED');
    expect(await verify({ headers: { ...vectorHeaders, 'webhook-signature': 'v2,' + vector.signature.slice(3) } })).toBe('UNAUTHENTICATED');
  });

  it('signs with every secret while rotating, and a receiver with either secret accepts', async () => {
    const old = 'the old secret of the dealer group';
    const fresh = 'the new secret of the dealer group';
    const body = '{"type":"lead.created"}';
    const headers = await signCrmWebhook({ secret: [old, fresh], id: 'e-1', timestamp: at(1_700_000_000), body });
    expect(headers[crmWebhookHeaders.signature]!.split(' ')).toHaveLength(2);
    for (const secret of [old, fresh, [fresh]]) {
      expect(await refusal(verifyCrmWebhookSignature({ secret, headers, body, now: at(1_700_000_000) }))).toBe('accepted');
    }
  });

  it('matches an HMAC-SHA256 computed by node:crypto for any id, time, body and text secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ unit: 'grapheme-ascii', minLength: 16, maxLength: 64 }).filter((secret) => !secret.startsWith('whsec_')),
        async (id, seconds, body, secret) => {
          const headers = await signCrmWebhook({ secret, id, timestamp: at(seconds), body });
          const oracle = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${id}.${seconds}.${body}`, 'utf8').digest('base64');
          expect(headers[crmWebhookHeaders.signature]).toBe(`v1,${oracle}`);
          await verifyCrmWebhookSignature({ secret, headers, body, now: at(seconds) });
          // Any change to the body breaks the signature.
          expect(await refusal(verifyCrmWebhookSignature({ secret, headers, body: `${body} `, now: at(seconds) }))).toBe('UNAUTHENTICATED');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses secrets shorter than 16 bytes and malformed whsec_ secrets', async () => {
    expect(await refusal(signCrmWebhook({ secret: 'too short', id: 'e', timestamp: at(0), body: '' }))).toBe('VALIDATION_FAILED');
    expect(await refusal(signCrmWebhook({ secret: 'whsec_***', id: 'e', timestamp: at(0), body: '' }))).toBe('VALIDATION_FAILED');
    expect(await refusal(signCrmWebhook({ secret: new Uint8Array(16), id: 'e', timestamp: at(0), body: '' }))).toBe('accepted');
    expect(await refusal(signCrmWebhook({ secret: 'a secret of the dealer group', id: 'has space', timestamp: at(0), body: '' }))).toBe('VALIDATION_FAILED');
  });

  it('returns the event of a verified delivery, with occurredAt as a Date', async () => {
    const secret = 'whsec_' + Buffer.from('sixteen-byte-key!').toString('base64');
    const event = { id: 'g1:webhooks:3', tenantId: 'g1', streamId: 'webhooks', position: 3, type: 'loyalty.points_earned', occurredAt: '2024-05-01T02:00:00.000Z', payload: { type: 'loyalty.points_earned' } };
    const body = JSON.stringify(event);
    const headers = new Headers(await signCrmWebhook({ secret, id: event.id, timestamp: at(1_714_528_800), body }));
    const verified = await verifyCrmWebhook({ secret, headers, body, now: at(1_714_528_800) });
    expect(verified).toEqual({ ...event, occurredAt: new Date('2024-05-01T02:00:00.000Z') });
    // A signed body whose id is not the header's is refused.
    const other = JSON.stringify({ ...event, id: 'g1:webhooks:4' });
    const signedOther = await signCrmWebhook({ secret, id: event.id, timestamp: at(1_714_528_800), body: other });
    expect(await refusal(verifyCrmWebhook({ secret, headers: signedOther, body: other, now: at(1_714_528_800) }))).toBe('VALIDATION_FAILED');
  });
});
