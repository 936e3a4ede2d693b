import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { conformanceTestNames } from 'dealer-crm/adapters/testing';

const run = promisify(execFile);

describe('the conformance kit under node:test', () => {
  it('runs the whole suite against the memory adapter with node --test and passes', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/adapters/node/memory-conformance.node.ts'], {
      cwd: process.cwd(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
    expect(count('fail')).toBe(0);
    // Every test of the kit: the named skip and the two inspection tests (no inspect hook given) skipped, the rest passed.
    const total = conformanceTestNames.length;
    expect([count('tests'), count('pass'), count('skipped')]).toEqual([total, total - 3, 3]);
    expect(stdout).toContain('stopping a scan early leaves the storage usable (skipped: shows that a named skip with its reason reaches node:test) # SKIP');
  }, 120_000);
});
