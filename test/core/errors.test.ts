import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CrmError, ValidationError, isCrmError, parse } from '../../src/core/index.js';

describe('CrmError', () => {
  it('carries a stable code, details and cause', () => {
    const cause = new Error('socket closed');
    const error = new CrmError('UNAVAILABLE', 'database down', { details: { host: 'db' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.details).toEqual({ host: 'db' });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'CrmError', code: 'UNAVAILABLE', message: 'database down', details: { host: 'db' } });
  });

  it('isCrmError narrows by code', () => {
    const error = new CrmError('NOT_FOUND', 'no such customer');
    expect(isCrmError(error)).toBe(true);
    expect(isCrmError(error, 'NOT_FOUND')).toBe(true);
    expect(isCrmError(error, 'FORBIDDEN')).toBe(false);
    expect(isCrmError(new Error('x'))).toBe(false);
  });
});

describe('parse', () => {
  const schema = z.strictObject({
    name: z.string().min(1),
    lines: z.array(z.strictObject({ quantity: z.number().positive() })),
  });

  it('returns the parsed value', () => {
    expect(parse(schema, { name: 'a', lines: [] })).toEqual({ name: 'a', lines: [] });
  });

  it('throws a ValidationError with readable paths for every broken rule', () => {
    let caught: unknown;
    try {
      parse(schema, { name: '', lines: [{ quantity: 1 }, { quantity: -2 }], extra: true }, { label: 'order' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues.map((issue) => issue.path)).toEqual(['name', 'lines[1].quantity', '']);
    expect(error.issues[2]!.message).toContain('extra');
    expect(error.message).toMatch(/^Invalid order: name: /);
    expect(error.details['issues']).toEqual(error.issues);
  });

  it('reports the closest branch of a failed union, not a bare "invalid input"', () => {
    const union = z.union([z.strictObject({ a: z.number() }), z.strictObject({ b: z.string(), c: z.number() })]);
    try {
      parse(union, { b: 'x', c: 'not a number' });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([{ path: 'c', message: 'expected number, received string' }]);
    }
  });

  it('prefixes paths when asked', () => {
    try {
      parse(schema, { name: 'x', lines: [{ quantity: 0 }] }, { path: 'orders[3]' });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).issues[0]!.path).toBe('orders[3].lines[0].quantity');
    }
  });
});
