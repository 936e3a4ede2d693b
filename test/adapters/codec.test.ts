import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { decodeDocument, decodeIndexScalar, encodeDocument, encodeIndexScalar, jsonRecordSchema, parseIndexFilterValue, storageLimits } from 'dealer-crm/adapters';
import { CustomerSchema } from 'dealer-crm/customer';
import { person } from '../support/customers.js';
import { issuesOf } from '../support/errors.js';

/** The [path, message] of each issue of the ValidationError `fn` throws. */
function issues(fn: () => unknown) {
  return issuesOf(fn).map((issue) => [issue.path, issue.message]);
}

describe('encodeDocument', () => {
  it('writes Dates as ISO strings in UTC with milliseconds and keeps everything else as JSON', () => {
    // 09:30:00.5 at +08:00 is 01:30:00.500 UTC.
    const encoded = encodeDocument({ id: 'C-1', at: new Date('2024-05-01T09:30:00.5+08:00'), tags: [], nested: { list: [1, '䶮𠮷', null, false] }, gone: undefined });
    expect(encoded).toEqual({ id: 'C-1', at: '2024-05-01T01:30:00.500Z', tags: [], nested: { list: [1, '䶮𠮷', null, false] } });
    expect('gone' in encoded).toBe(false);
  });

  it('stores -0 as 0', () => {
    expect(Object.is(encodeDocument({ x: -0 }).x, 0)).toBe(true);
  });

  it('names the path of every value it cannot store', () => {
    expect(
      issues(() =>
        encodeDocument(
          { a: Number.NaN, b: { c: [1, Number.POSITIVE_INFINITY] }, d: 'x\u0000y', e: 'half \ud83d', f: new Map(), g: new Date('nope'), h: [undefined], ['k\u0000']: 1, i: 10n },
          { label: 'test', path: 'record' },
        ),
      ),
    ).toEqual([
      ['record.a', 'expected a finite number, got NaN'],
      ['record.b.c[1]', 'expected a finite number, got Infinity'],
      ['record.d', 'a string may not contain the NUL character U+0000'],
      ['record.e', 'a string must be well-formed UTF-16; it holds a lone surrogate'],
      ['record.f', 'expected a JSON value, a Date or a plain object, got a Map'],
      ['record.g', 'expected a valid Date, got Invalid Date'],
      ['record.h[0]', 'an array may not hold undefined'],
      ['record.k\u0000', 'a property name may not contain the NUL character U+0000'],
      ['record.i', 'expected a JSON value, a Date or a plain object, got a bigint'],
    ]);
  });

  it('refuses a document over the size limit and accepts one just under it', () => {
    // Each 界 is 3 UTF-8 bytes; {"t":"…"} adds 8 bytes of JSON around the text.
    const fits = Math.floor((storageLimits.maxDocumentBytes - 8) / 3);
    expect(() => encodeDocument({ t: '界'.repeat(fits) })).not.toThrow();
    expect(issues(() => encodeDocument({ t: '界'.repeat(fits + 1) }))[0]![1]).toMatch(/at most 1048576 bytes/);
  });

  it('refuses a property named __proto__, which a JavaScript object cannot hold as data', () => {
    const parsed = JSON.parse('{"id":"K-1","note":{"__proto__":{"admin":true}}}');
    expect(issues(() => encodeDocument(parsed))).toEqual([['note.__proto__', 'the property name __proto__ cannot be stored: JavaScript objects cannot hold it as data']]);
    const schema = jsonRecordSchema({});
    expect(schema.safeParse(JSON.parse('{"id":"K-1","__proto__":{"admin":true}}')).success).toBe(false);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses anything but a plain object at the top', () => {
    expect(issues(() => encodeDocument([1, 2]))).toEqual([['', 'expected an object, got an array']]);
    expect(issues(() => encodeDocument(null))).toEqual([['', 'expected an object, got null']]);
  });
});

describe('decodeDocument', () => {
  it('turns stored JSON back into the schema output, Dates included, from text or object', () => {
    const customer = CustomerSchema.parse(person({ id: 'C-1', createdAt: '2023-04-01T10:00:00.123+08:00', updatedAt: '2024-04-01T10:00:00+08:00' }));
    const stored = encodeDocument(customer);
    expect(decodeDocument(CustomerSchema, stored, 'customer')).toEqual(customer);
    expect(decodeDocument(CustomerSchema, JSON.stringify(stored), 'customer').createdAt).toEqual(new Date('2023-04-01T02:00:00.123Z'));
  });

  it('reports stored data that no longer fits its schema as BAD_RESPONSE', () => {
    const error = (() => {
      try {
        decodeDocument(z.strictObject({ id: z.string() }), '{"id":1}', 'customers record C-1');
      } catch (caught) {
        return caught;
      }
    })();
    expect(isCrmError(error, 'BAD_RESPONSE')).toBe(true);
    expect((error as Error).message).toMatch(/^stored customers record C-1 does not satisfy its schema: id:/);
    expect(isCrmError((() => { try { decodeDocument(z.object({}), '{oops', 'x'); } catch (caught) { return caught; } })(), 'BAD_RESPONSE')).toBe(true);
  });

  it('round-trips generic records with declared instants for any JSON content', () => {
    const schema = jsonRecordSchema({ at: { type: 'instant' }, status: { type: 'string' } });
    // Any JSON but U+0000 and a `__proto__` key, which the codec refuses (tested below).
    const json = fc.jsonValue({ maxDepth: 3 }).filter((value) => !JSON.stringify(value).includes('\\u0000') && !JSON.stringify(value).includes('"__proto__":'));
    const record = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
      at: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
      status: fc.string({ unit: 'grapheme', maxLength: 10 }),
      extra: json,
    });
    fc.assert(
      fc.property(record, (input) => {
        const parsed = schema.parse(input);
        const decoded = decodeDocument(schema, JSON.stringify(encodeDocument(parsed)), 'record');
        // JSON.parse(JSON.stringify()) is the oracle for the free JSON (-0 becomes 0, as the codec does).
        expect(decoded).toEqual({ ...parsed, extra: JSON.parse(JSON.stringify(parsed.extra)) });
        expect((decoded.at as Date).getTime()).toBe(input.at.getTime());
      }),
      { numRuns: 300 },
    );
  });
});

describe('index values', () => {
  it('encodes instants as epoch milliseconds and decodes them back to Dates', () => {
    expect(encodeIndexScalar('instant', new Date('2024-05-01T09:30:00+08:00'), 'at')).toBe(Date.UTC(2024, 4, 1, 1, 30));
    expect(decodeIndexScalar('instant', Date.UTC(2024, 4, 1, 1, 30))).toEqual(new Date('2024-05-01T01:30:00Z'));
    expect(encodeIndexScalar('string', undefined, 'x')).toBeNull();
    expect(Object.is(encodeIndexScalar('number', -0, 'x'), 0)).toBe(true);
  });

  it('accepts ISO text with an offset for instants in filters, never in stored records', () => {
    expect(parseIndexFilterValue('instant', '2024-05-01T09:30:00+08:00', 'where.at')).toBe(Date.UTC(2024, 4, 1, 1, 30));
    expect(issues(() => encodeIndexScalar('instant', '2024-05-01T09:30:00+08:00', 'at'))).toEqual([['at', 'expected a Date, got "2024-05-01T09:30:00+08:00"']]);
    expect(issues(() => parseIndexFilterValue('instant', '2024-05-01T09:30:00', 'where.at'))[0]![0]).toBe('where.at');
  });

  it('refuses indexed strings over 256 characters and values of the wrong type', () => {
    expect(encodeIndexScalar('string', 'x'.repeat(256), 'name')).toHaveLength(256);
    expect(issues(() => encodeIndexScalar('string', 'x'.repeat(257), 'name'))).toEqual([['name', 'an indexed string may be at most 256 characters, got 257']]);
    expect(issues(() => encodeIndexScalar('number', '3', 'year'))).toEqual([['year', 'expected a finite number, got "3"']]);
    expect(issues(() => encodeIndexScalar('boolean', 1, 'flag'))).toEqual([['flag', 'expected a boolean, got a number']]);
  });
});
