import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One CDNOW sample customer: repeat transactions x, recency t_x and age T in weeks, mean repeat spend in dollars. */
export interface CdnowCustomer {
  readonly id: number;
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
  readonly meanRepeatSpend: number;
}

/** The CDNOW 1/10th sample summary (2357 customers); see test/fixtures/retention/SOURCE.md. */
export function loadCdnow(): CdnowCustomer[] {
  const path = fileURLToPath(new URL('../../fixtures/retention/cdnow-summary.csv', import.meta.url));
  const [, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [id, x, tx, t, zbar] = line.split(',').map(Number);
    return { id: id!, frequency: x!, recency: tx!, age: t!, meanRepeatSpend: zbar! };
  });
}
