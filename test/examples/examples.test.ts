/**
 * Every program in examples/ runs, as a user would run it: the Node service
 * with its client, the nightly scoring job over PostgreSQL (the server at
 * DATABASE_URL when set, else PGlite), and the browser page in headless
 * Chromium with the pure modules bundled for the browser.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = (file: string, env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, ...env }, timeout: 120_000 }).then(({ stdout }) => stdout);

describe('examples', () => {
  it('http-service: a client reads and writes through the service, idempotently, within its own tenant', async () => {
    const out = await tsx('examples/http-service/client.ts');
    expect(out).toContain('read back LFV2A21KXB3012345, version 1');
    expect(out).toContain('stream version 1 then 1; second was a replay: true');
    expect(out).toContain('another group: FORBIDDEN');
  }, 120_000);

  it('nightly-scoring-job: segments and forecasts the tenant and builds a consented list', async () => {
    const out = await tsx('examples/nightly-scoring-job/job.ts');
    // 30 customers by the largest-remainder rule at 5/10/20/25/40 %: 1.5, 3, 6, 7.5, 12 → 2, 3, 6, 7, 12.
    expect(out).toMatch(/^Top \(most profitable\): 2 customers/m);
    expect(out).toMatch(/^Loss-making: 12 customers/m);
    expect(out).toMatch(/^BG\/NBD r=\d/m);
    expect(out).toContain('top-zone SMS list: 2 customers');
  }, 120_000);

  it('browser: the pure modules run in a page with no server code', async () => {
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (as .ci/run does) or set CHROMIUM_PATH`);
    const dir = path.resolve('.tmp/browser-example');
    mkdirSync(dir, { recursive: true });
    copyFileSync('examples/browser/index.html', path.join(dir, 'index.html'));
    await build({ entryPoints: ['examples/browser/main.ts'], bundle: true, format: 'esm', platform: 'browser', outfile: path.join(dir, 'main.js'), tsconfig: 'tsconfig.json', logLevel: 'silent' });
    // Module scripts need http(s): serve the two files from loopback.
    const server = createServer((request, response) => {
      const file = request.url === '/main.js' ? 'main.js' : 'index.html';
      response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
      response.end(readFileSync(path.join(dir, file)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      expect(await page.textContent('#vin')).toBe('VIN LFV2A21K8B3012345: VIN check character at position 9 is 8, but the other characters call for X');
      expect(await page.textContent('#mobile')).toBe('mobile +8613812345678');
      // 20 customers at 5/10/20/25/40 %: exactly 1, 2, 4, 5, 8.
      expect(await page.textContent('#pyramid')).toBe('Top (most profitable): 1 · High: 2 · Middle: 4 · Low: 5 · Loss-making: 8');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
