/**
 * The demo report renders in a real browser: headless Chromium (Debian's
 * `chromium` package; `.ci/run` installs it) opens the self-contained HTML,
 * with the network off, and must log no console error. A screenshot is left
 * in .tmp/demo-report.png for review.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyzeDemo } from '../../src/cli/demo/analyze.js';
import { generateDemoDataset } from '../../src/cli/demo/generate.js';
import { generateComplaints } from '../../src/cli/demo/generate-complaints.js';
import { demoLoyaltyProgram } from '../../src/cli/demo/policies.js';
import { renderReportHtml } from '../../src/cli/demo/report-html.js';
import { simulateLoyalty } from '../../src/cli/demo/simulate-loyalty.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function smallAnalysis() {
  const data = generateDemoDataset({ seed: 11, customers: 1500 });
  const owner = new Map(data.ownerships.map((o) => [o.vehicleId, o.customerId]));
  const byCustomer = new Map<string, (typeof data.transactions)[number][]>();
  for (const t of data.transactions) byCustomer.set(t.customerId, [...(byCustomer.get(t.customerId) ?? []), t]);
  const vehiclesByCustomer = new Map<string, (typeof data.vehicles)[number][]>();
  for (const v of data.vehicles) vehiclesByCustomer.set(owner.get(v.id)!, [...(vehiclesByCustomer.get(owner.get(v.id)!) ?? []), v]);
  const complaints = generateComplaints({ seed: 11, asOf: data.asOf, start: data.start, dealers: data.dealers, customers: data.customers, vehiclesByCustomer });
  const memberships = simulateLoyalty({ seed: 11, asOf: data.asOf, program: demoLoyaltyProgram, customers: data.customers, transactionsByCustomer: byCustomer });
  return analyzeDemo({ asOf: data.asOf, dealers: data.dealers, customers: data.customers, vehicles: data.vehicles, vehicleOwner: owner, transactions: data.transactions, complaints, memberships });
}

describe('the demo report', () => {
  it('renders in headless Chromium with no console errors and every chart in place', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium), as .ci/run does, or set CHROMIUM_PATH`);
    }
    const analysis = smallAnalysis();
    const html = renderReportHtml(analysis);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no scripts, no network
    const dir = path.resolve('.tmp');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'demo-report.html');
    writeFileSync(file, html);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith('file://')) problems.push(`network request: ${request.url()}`);
      });
      await page.goto(`file://${file}`);
      expect(await page.locator('svg').count()).toBe(4);
      expect(await page.locator('svg polygon').count()).toBe(analysis.pyramid.zones.length);
      expect(await page.locator('h2').allTextContents()).toContain('Call this week: service customers at risk of leaving');
      expect(await page.locator('tbody tr').count()).toBe(analysis.pyramid.zones.length + analysis.atRisk.length);
      await page.screenshot({ path: path.join(dir, 'demo-report.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
