/**
 * The `dealer-crm` command line:
 *
 *   dealer-crm demo    [--seed N] [--customers N] [--store S] [--report FILE] [--quiet]
 *   dealer-crm migrate --store S
 *   dealer-crm import  <customers.csv|transactions.csv> --store S [--tenant T] [--kind customers|transactions]
 *
 * S is `memory` (the default), `pglite:<dir>`, `pglite:memory` or a `postgres://` URL.
 */
import { parseArgs } from 'node:util';
import { isCrmError, ValidationError } from '../core/index.js';
import { runDemo } from './demo/run-demo.js';
import { runImport } from './import/run-import.js';
import { runMigrate } from './migrate.js';

const USAGE = `Usage:
  dealer-crm demo    [--seed N] [--customers N] [--store S] [--report FILE] [--quiet]
  dealer-crm migrate --store S
  dealer-crm import  <customers.csv|transactions.csv> --store S [--tenant T] [--kind customers|transactions]

Stores (S): memory (default), pglite:<dir>, pglite:memory, postgres://user@host:5432/db`;

function positiveInteger(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ValidationError([{ path: name, message: `expected a positive whole number, got ${JSON.stringify(text)}` }]);
  return value;
}

/** Runs the CLI with the given arguments (without `node` and the script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo': {
        const { values } = parseArgs({
          args: rest,
          options: { seed: { type: 'string' }, customers: { type: 'string' }, store: { type: 'string' }, report: { type: 'string' }, quiet: { type: 'boolean' } },
          strict: true,
        });
        await runDemo({
          seed: positiveInteger(values.seed, 'seed', 2024),
          customers: positiveInteger(values.customers, 'customers', 20_000),
          store: values.store ?? 'memory',
          report: values.report ?? 'dealer-crm-report.html',
          quiet: values.quiet ?? false,
        });
        return 0;
      }
      case 'migrate': {
        const { values } = parseArgs({ args: rest, options: { store: { type: 'string' } }, strict: true });
        if (values.store === undefined) throw new ValidationError([{ path: 'store', message: 'migrate needs --store' }]);
        await runMigrate(values.store);
        return 0;
      }
      case 'import': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { store: { type: 'string' }, tenant: { type: 'string' }, kind: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        if (positionals.length !== 1) throw new ValidationError([{ path: 'file', message: 'import takes exactly one CSV file' }]);
        if (values.store === undefined) throw new ValidationError([{ path: 'store', message: 'import needs --store' }]);
        return await runImport({ file: positionals[0]!, store: values.store, tenant: values.tenant ?? 'default', ...(values.kind === undefined ? {} : { kind: values.kind }) });
      }
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        console.error(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (isCrmError(error)) {
      console.error(`dealer-crm: ${error.code}: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`dealer-crm: ${error.message}\n\n${USAGE}`);
      return 1;
    }
    throw error;
  }
}
