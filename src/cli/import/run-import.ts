/**
 * `dealer-crm import <customers.csv|transactions.csv> --store S`: reads a DMS
 * export, reports every bad row, and writes nothing unless every row is good;
 * then imports through the service facade (customers encrypted and
 * blind-indexed, transactions with loyalty accrual), idempotently: importing
 * the same file again changes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { hexToBytes } from '@noble/hashes/utils';
import { sha256Hex, ValidationError } from '../../core/index.js';
import { createCrm, createStaticKeyProvider, crmStorageRegistry } from '../../crm/index.js';
import { cliAccessPolicy, integrationContext } from '../integration-policy.js';
import { openStore, parseStoreSpec } from '../store.js';
import { CUSTOMER_CSV_COLUMNS, readCustomersCsv } from './customers-csv.js';
import { formatRowErrors } from './csv-rows.js';
import { TRANSACTION_CSV_COLUMNS, readTransactionsCsv } from './transactions-csv.js';

/** Options of {@link runImport}. */
export interface RunImportOptions {
  readonly file: string;
  readonly store: string;
  readonly tenant: string;
  /** `customers` or `transactions`; by default from the file name, else from its header. */
  readonly kind?: string;
  /** The encryption key as 64 hex digits; default the `DEALER_CRM_KEY` environment variable. */
  readonly keyHex?: string;
}

function kindOf(options: RunImportOptions, header: string): 'customers' | 'transactions' {
  const named = options.kind ?? (/customer/i.test(path.basename(options.file)) ? 'customers' : /transaction/i.test(path.basename(options.file)) ? 'transactions' : undefined);
  if (named === 'customers' || named === 'transactions') return named;
  if (named !== undefined) throw new ValidationError([{ path: 'kind', message: `expected customers or transactions, got ${JSON.stringify(named)}` }]);
  if (header.includes(CUSTOMER_CSV_COLUMNS[0])) return 'customers';
  if (header.includes(TRANSACTION_CSV_COLUMNS[0])) return 'transactions';
  throw new ValidationError([{ path: 'file', message: 'cannot tell whether this is customers.csv or transactions.csv: pass --kind' }]);
}

function keyBytes(hex: string | undefined): Uint8Array {
  if (hex === undefined || !/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ValidationError([{ path: 'DEALER_CRM_KEY', message: 'set DEALER_CRM_KEY to a 256-bit key as 64 hex digits (personal fields are encrypted before they reach storage)' }]);
  }
  return hexToBytes(hex);
}

/** Runs an import; returns the exit code (1 when rows were refused). */
export async function runImport(options: RunImportOptions): Promise<number> {
  const text = await readFile(options.file, 'utf8');
  const kind = kindOf(options, text.split(/\r?\n/, 1)[0] ?? '');
  const parsed = kind === 'customers' ? readCustomersCsv(text) : readTransactionsCsv(text);
  if (parsed.errors.length > 0) {
    console.error(`${options.file}: ${parsed.errors.length} error(s); nothing was imported.\n${formatRowErrors(parsed.errors)}`);
    return 1;
  }
  const key = keyBytes(options.keyHex ?? process.env.DEALER_CRM_KEY);
  const store = await openStore(parseStoreSpec(options.store), crmStorageRegistry);
  try {
    const crm = createCrm({
      storage: store.storage,
      policies: { access: cliAccessPolicy },
      keys: { provider: createStaticKeyProvider({ keys: { import: key }, currentKeyId: 'import' }) },
    });
    const context = integrationContext(options.tenant);
    // The file's content names the import: the same file again is a replay.
    const idempotencyKey = `csv-import:${kind}:${sha256Hex(text).slice(0, 32)}`;
    if ('customers' in parsed) {
      const answer = await crm.customers.import(context, { idempotencyKey, customers: parsed.customers });
      console.log(`${options.file}: ${answer.customers} customers into ${store.description}: ${answer.created} new, ${answer.replaced} replaced (the same file again changes nothing)`);
    } else {
      const answer = await crm.transactions.recordMany(context, { idempotencyKey, transactions: parsed.transactions });
      console.log(`${options.file}: ${answer.transactions} transactions into ${store.description}: ${answer.appended} recorded, ${answer.replayed} already there; ${answer.accrued.points} loyalty points credited`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
