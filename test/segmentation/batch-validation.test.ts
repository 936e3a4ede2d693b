import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from 'dealer-crm/core';
import { assignPyramid, assignRfmSegments, classifyAbc, classifyPurchaseQuadrants } from 'dealer-crm/segmentation';
import { issuesOf } from '../support/errors.js';

// Every batch function reads rows through one fast checker (with its own hash table for
// duplicate ids) and, when anything is wrong, a careful row-by-row pass that reports it.
const batches: [string, (ids: string[]) => unknown][] = [
  ['assignPyramid', (ids) => assignPyramid(ids.map((customerId) => ({ customerId, profitMinor: 1 })))],
  ['classifyAbc', (ids) => classifyAbc(ids.map((customerId) => ({ customerId, revenueMinor: 1 })))],
  ['classifyPurchaseQuadrants', (ids) => classifyPurchaseQuadrants(ids.map((customerId) => ({ customerId, revenueMinor: 1, purchaseCount: 1 })))],
  ['assignRfmSegments', (ids) => assignRfmSegments(ids.map((customerId) => ({ customerId, recencyScore: 1, frequencyScore: 1, monetaryScore: 1 })))],
];

describe('batch input checks', () => {
  it.each(batches)('%s rejects a batch exactly when an id repeats, naming the repeat', (_, run) => {
    // A two-letter alphabet makes repeats (and hash collisions) common.
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab]{1,4}$/), { maxLength: 40 }), (ids) => {
        const firstRepeat = ids.findIndex((id, index) => ids.indexOf(id) < index);
        if (firstRepeat === -1) {
          expect(() => run(ids)).not.toThrow();
        } else {
          const issues = issuesOf(() => run(ids));
          expect(issues[0]!.path).toMatch(new RegExp(`\\[${firstRepeat}\\]\\.customerId$`));
          expect(issues[0]!.message).toContain(`first at`);
        }
      }),
    );
  });

  it('accepts any id the library accepts, including Chinese and spaced ids', () => {
    const ids = ['王芳-001', 'DMS 12345', '䶮', '550e8400-e29b-41d4-a716-446655440000', 'a'.repeat(128)];
    for (const [, run] of batches) expect(() => run(ids)).not.toThrow();
  });

  it('rejects ids the library rejects', () => {
    for (const bad of ['', ' padded', 'tab\there', 'x'.repeat(129)]) {
      for (const [, run] of batches) expect(() => run([bad])).toThrow(ValidationError);
    }
  });

  it('reports at most 20 issues for a very bad batch', () => {
    const issues = issuesOf(() => assignPyramid(Array.from({ length: 100 }, () => ({ customerId: '' })) as never));
    expect(issues).toHaveLength(20);
  });
});
