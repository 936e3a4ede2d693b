import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { earliestTimestamptzMs, timestamptzText } from '../../../src/adapters/postgres/sql-values.js';
import { databaseTargets, type TestDatabase } from './support.js';

describe('instants as PostgreSQL timestamp text', () => {
  it('writes the UTC calendar time to the millisecond, with BC for years before 1', () => {
    expect(timestamptzText(0, 'at')).toBe('1970-01-01 00:00:00.000+00');
    // 2024-02-29T23:59:59.999+08:00 is 15:59:59.999 UTC.
    expect(timestamptzText(Date.parse('2024-02-29T23:59:59.999+08:00'), 'at')).toBe('2024-02-29 15:59:59.999+00');
    expect(timestamptzText(-1, 'at')).toBe('1969-12-31 23:59:59.999+00');
    // Year 1 starts at -62,135,596,800,000 ms; one millisecond earlier is the last of 1 BC (year 0 of ISO 8601).
    expect(timestamptzText(-62_135_596_800_000, 'at')).toBe('0001-01-01 00:00:00.000+00');
    expect(timestamptzText(-62_135_596_800_001, 'at')).toBe('0001-12-31 23:59:59.999+00 BC');
    // The latest Date (8.64e15 ms) and the earliest timestamptz, 4714-11-24 BC.
    expect(timestamptzText(8.64e15, 'at')).toBe('275760-09-13 00:00:00.000+00');
    expect(timestamptzText(earliestTimestamptzMs, 'at')).toBe('4714-11-24 00:00:00.000+00 BC');
  });

  it('refuses an instant PostgreSQL cannot hold, naming the path', () => {
    let caught: unknown;
    try {
      timestamptzText(earliestTimestamptzMs - 1, 'where.createdAt');
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof ValidationError && caught.issues[0]?.path).toBe('where.createdAt');
  });
});

describe.each(databaseTargets)('instants through $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.dispose());

  it('come back as the same epoch milliseconds over the whole range both hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: earliestTimestamptzMs, max: 8.64e15 }), { minLength: 1, maxLength: 50 }), async (values) => {
        const texts = values.map((ms) => timestamptzText(ms, 'at'));
        const rows = await database.sql.query(
          'SELECT round(extract(epoch FROM t.value::timestamptz) * 1000)::float8 AS ms FROM jsonb_array_elements_text($1::text::jsonb) WITH ORDINALITY AS t(value, n) ORDER BY t.n',
          [JSON.stringify(texts)],
        );
        expect(rows.map((row) => row.ms)).toEqual(values);
      }),
      { numRuns: 30 },
    );
  });
});
