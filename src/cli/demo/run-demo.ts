/**
 * `dealer-crm demo`: generate a dealer group, load it into the store through
 * the service facade and the storage adapter, read it back as a nightly job
 * would, run every analysis, print a summary and write the HTML report.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hexToBytes } from '@noble/hashes/utils';
import { createCrm, createStaticKeyProvider, crmStorageRegistry, type Crm, type CrmCallContext } from '../../crm/index.js';
import { cliAccessPolicy, integrationContext } from '../integration-policy.js';
import { parse, sha256Hex } from '../../core/index.js';
import { CustomerSchema, type Customer, type Transaction, type Vehicle } from '../../customer/index.js';
import type { ComplaintEventInput } from '../../complaints/index.js';
import { createProgress, type Progress } from '../progress.js';
import { openStore, parseStoreSpec } from '../store.js';
import { analyzeDemo } from './analyze.js';
import { generateDemoDataset } from './generate.js';
import { generateComplaints } from './generate-complaints.js';
import { loadDemo, loadLoyalty, readAll, readMemberships, readWholeStream, type DemoStorage } from './load.js';
import { demoLoyaltyProgram } from './policies.js';
import { renderReportHtml } from './report-html.js';
import { simulateLoyalty } from './simulate-loyalty.js';
import { renderSummary } from './summary.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  readonly seed: number;
  readonly customers: number;
  readonly store: string;
  /** Where to write the HTML report. */
  readonly report: string;
  readonly quiet: boolean;
}

/** What the demo produced, for tests. */
export interface DemoRun {
  readonly summary: string;
  readonly reportPath: string;
  readonly facade: FacadeTour;
}

/** What the short tour of the facade showed. */
export interface FacadeTour {
  readonly viewedCustomerId: string;
  /** The name as the dealer's advisor saw it (in full). */
  readonly advisorSawName: string | undefined;
  /** The name as the analyst saw it (masked). */
  readonly maskedNameSeenByAnalyst: string | undefined;
  /** Audit entries naming the customer. */
  readonly accessesOfCustomer: number;
  readonly auditEntries: number;
  readonly auditChainValid: boolean;
}

export const DEMO_TENANT = 'yrd-group';

/** Runs the demo. */
export async function runDemo(options: RunDemoOptions): Promise<DemoRun> {
  const progress = createProgress({ quiet: options.quiet });
  const started = performance.now();

  progress.start(`generating a dealer group (seed ${options.seed}, ${options.customers.toLocaleString('en-US')} customers)`);
  const data = generateDemoDataset({ seed: options.seed, customers: options.customers });
  const vehicleOwner = new Map(data.ownerships.map((o) => [o.vehicleId, o.customerId]));
  const vehiclesByCustomer = groupBy(data.vehicles, (v) => vehicleOwner.get(v.id) ?? '');
  const transactionsByCustomer = groupBy(data.transactions, (t) => t.customerId);
  const complaints = generateComplaints({ seed: options.seed, asOf: data.asOf, start: data.start, dealers: data.dealers, customers: data.customers, vehiclesByCustomer });
  progress.done(`${data.transactions.length.toLocaleString('en-US')} transactions, ${complaints.length.toLocaleString('en-US')} complaint cases`);

  const spec = parseStoreSpec(options.store);
  const store = await openStore(spec, crmStorageRegistry);
  try {
    const storage = store.storage as unknown as DemoStorage;
    // A demo key, derived from the seed so runs are reproducible. Real deployments take keys from a KMS.
    const demoKey = hexToBytes(sha256Hex(`dealer-crm demo key ${options.seed}`));
    const crm = createCrm({
      storage: store.storage,
      programs: [demoLoyaltyProgram],
      policies: { access: cliAccessPolicy },
      keys: { provider: createStaticKeyProvider({ keys: { demo: demoKey }, currentKeyId: 'demo' }) },
      clock: { now: () => data.asOf },
    });
    const loader = integrationContext(DEMO_TENANT);

    await loadCustomers(crm, loader, options.seed, data.customers, progress);
    await loadDemo(storage, DEMO_TENANT, { ...data, transactionsByCustomer, complaints }, progress);

    progress.start('running the owners\' club over five years', transactionsByCustomer.size);
    const memberships = simulateLoyalty({
      seed: options.seed,
      asOf: data.asOf,
      program: demoLoyaltyProgram,
      customers: data.customers,
      transactionsByCustomer,
      onMember: (done) => progress.tick(done),
    });
    progress.done(`${memberships.length.toLocaleString('en-US')} members`);
    await loadLoyalty(storage, DEMO_TENANT, demoLoyaltyProgram, memberships, progress);

    // Read everything back, as a nightly job over the store would.
    progress.start(`reading back from ${store.description}`);
    const customers = await readCustomersThroughFacade(crm);
    const vehicles = await readAll<Vehicle>(storage, DEMO_TENANT, 'vehicles');
    const transactions: Transaction[] = [];
    for (const customer of customers) transactions.push(...(await readWholeStream<Transaction>(storage, DEMO_TENANT, 'transactions', customer.id)));
    const storedComplaints: ComplaintEventInput[][] = [];
    for (const events of complaints) storedComplaints.push(await readWholeStream<ComplaintEventInput>(storage, DEMO_TENANT, 'complaint_events', events[0]!.caseId));
    progress.done(`${customers.length.toLocaleString('en-US')} customers, ${transactions.length.toLocaleString('en-US')} transactions`);
    const storedMemberships = await readMemberships(storage, DEMO_TENANT, demoLoyaltyProgram, progress);

    let stepStarted = false;
    const analysis = analyzeDemo(
      { asOf: data.asOf, dealers: data.dealers, customers, vehicles, vehicleOwner, transactions, complaints: storedComplaints, memberships: storedMemberships },
      (label) => {
        if (stepStarted) progress.done();
        progress.start(label);
        stepStarted = true;
      },
    );
    if (stepStarted) progress.done();

    progress.start('a tour of the facade: audited access, masking, the audit chain');
    const toured = customers.find((customer) => customer.id === analysis.atRisk[0]?.customerId) ?? customers[0]!;
    const facade = await tourFacade(crm, toured);
    progress.done();

    const summary = `${renderSummary(analysis)}\n\n${renderFacadeTour(facade)}`;
    const reportPath = path.resolve(options.report);
    await writeFile(reportPath, renderReportHtml(analysis));
    if (!options.quiet) {
      console.log(summary);
      console.log(`\nReport: ${reportPath}`);
      console.log(`Store: ${store.description}. Finished in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    }
    return { summary, reportPath, facade };
  } finally {
    await store.close();
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const IMPORT_CHUNK = 2000;

/** Loads the customers through the facade (encrypted, blind-indexed, audited), a chunk per call so the progress bar moves. */
async function loadCustomers(crm: Crm, context: CrmCallContext, seed: number, customers: readonly Customer[], progress: Progress): Promise<void> {
  progress.start('customers through the facade (encrypted, blind-indexed, audited)', customers.length);
  let created = 0;
  for (let from = 0; from < customers.length; from += IMPORT_CHUNK) {
    const chunk = customers.slice(from, from + IMPORT_CHUNK);
    const answer = await crm.customers.import(context, { idempotencyKey: `demo-customers:${seed}:${from}`, customers: chunk, batchSize: 1000 });
    created += answer.created;
    progress.tick(from + chunk.length);
  }
  progress.done(`${customers.length.toLocaleString('en-US')} (${created.toLocaleString('en-US')} new)`);
}

/**
 * The nightly job's read: every customer decrypted, a page at a time, as a
 * group analyst under the `data_quality` purpose (the data-quality checks need
 * the values themselves), each page one audit entry.
 */
async function readCustomersThroughFacade(crm: Crm): Promise<Customer[]> {
  const analyst: CrmCallContext = { tenantId: DEMO_TENANT, actor: { userId: 'nightly-analytics', role: 'group_analyst' }, purpose: 'data_quality' };
  const customers: Customer[] = [];
  let cursor: string | null = null;
  do {
    const page = await crm.customers.list(analyst, { limit: 1000, cursor });
    for (const record of page.customers) customers.push(parse(CustomerSchema, record.customer, { label: `customer ${record.customerId}` }));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return customers;
}

/**
 * A short tour of the facade: a dealer's service advisor opens the 360° view
 * of a customer; a group analyst reads the same customer for analytics and
 * sees it masked; an auditor asks who looked at the customer and verifies the
 * tenant's audit chain.
 */
async function tourFacade(crm: Crm, customer: Customer): Promise<FacadeTour> {
  const advisor: CrmCallContext = { tenantId: DEMO_TENANT, actor: { userId: 'advisor-1', role: 'dealer_staff', dealerId: customer.dealerId }, purpose: 'after_sales' };
  const analyst: CrmCallContext = { tenantId: DEMO_TENANT, actor: { userId: 'analyst-1', role: 'group_analyst' }, purpose: 'analytics' };
  const auditor: CrmCallContext = { tenantId: DEMO_TENANT, actor: { userId: 'auditor-1', role: 'auditor' }, purpose: 'security_audit' };
  const view = await crm.customers.view(advisor, { customerId: customer.id });
  const masked = await crm.customers.get(analyst, { customerId: customer.id });
  const access = await crm.audit.customerAccess(auditor, { customerId: customer.id });
  const chain = await crm.audit.verifyChain(auditor, {});
  return {
    viewedCustomerId: customer.id,
    advisorSawName: view.customer.name,
    maskedNameSeenByAnalyst: masked.customer?.name,
    accessesOfCustomer: access.entries.length,
    auditEntries: chain.entries,
    auditChainValid: chain.valid,
  };
}

function renderFacadeTour(tour: FacadeTour): string {
  return [
    'The facade',
    `  A service advisor opened customer ${tour.viewedCustomerId}'s 360° view and saw the name ${tour.advisorSawName ?? '(none)'};`,
    `  a group analyst reading the same customer for analytics saw ${tour.maskedNameSeenByAnalyst ?? '(nothing)'}.`,
    `  The audit trail of that customer holds ${tour.accessesOfCustomer} accesses; the tenant's audit chain of ${tour.auditEntries.toLocaleString('en-US')} entries ${tour.auditChainValid ? 'verifies' : 'DOES NOT verify'}.`,
  ].join('\n');
}
