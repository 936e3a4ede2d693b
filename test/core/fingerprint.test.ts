import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, payloadHash, sha256Hex } from '../../src/core/index.js';

describe('fingerprints', () => {
  it('hashes with SHA-256 (FIPS 180-2 test vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('serialises canonically: sorted keys, dates as ISO strings, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: new Date(0), c: undefined, d: [undefined, { z: 1, y: 2 }] })).toBe(
      '{"a":"1970-01-01T00:00:00.000Z","b":1,"d":[null,{"y":2,"z":1}]}',
    );
  });

  it('does not depend on key order, and tells different payloads apart', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(payloadHash(reversed)).toBe(payloadHash(object));
      }),
    );
    expect(payloadHash({ points: 100 })).not.toBe(payloadHash({ points: 101 }));
  });
});

describe('sha256Hex', () => {
  it('gives the same digest on the native and the portable path, for any text', async () => {
    const { portableSha256Hex } = await import('../../src/core/fingerprint.js');
    const { createHash } = await import('node:crypto');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 5000 })), (text) => {
        const reference = createHash('sha256').update(text, 'utf8').digest('hex');
        expect(sha256Hex(text)).toBe(reference);
        expect(portableSha256Hex(text)).toBe(reference);
      }),
      { numRuns: 500 },
    );
    // A lone surrogate is encoded as U+FFFD by both paths.
    expect(portableSha256Hex('a\ud800b')).toBe(sha256Hex('a\ufffdb'));
  });
});
