/**
 * customers.csv, in the shape a DMS exports its customer archive: one row per
 * customer, contact points as columns, the SMS marketing and service-reminder
 * consents as Y/N with the instant they were given. Every row is parsed with
 * the customer model; errors are collected per row.
 */
import { parse } from '../../core/index.js';
import { CustomerSchema, type ConsentInput, type ContactPointInput, type Customer } from '../../customer/index.js';
import { cell, readCsvRows, rowErrors, type CsvRow, type RowError } from './csv-rows.js';

/** The columns of customers.csv; the first eight are required. */
export const CUSTOMER_CSV_COLUMNS = [
  'customer_no',
  'kind',
  'type',
  'name',
  'dealer_code',
  'source',
  'lifecycle_stage',
  'created_at',
  'updated_at',
  'family_name',
  'given_name',
  'gender',
  'birthday',
  'id_number',
  'organisation_code',
  'mobile',
  'email',
  'wechat',
  'sms_marketing',
  'sms_service_reminder',
  'consent_at',
  'household_id',
  'tags',
] as const;

const REQUIRED = CUSTOMER_CSV_COLUMNS.slice(0, 8);

/** The result of reading customers.csv: the customers, or every row's errors. */
export interface CustomersCsvResult {
  readonly customers: Customer[];
  readonly errors: RowError[];
}

function yesNo(row: CsvRow, column: string, errors: RowError[]): boolean | undefined {
  const value = cell(row, column);
  if (value === undefined) return undefined;
  if (/^(y|yes|1|true|是)$/i.test(value)) return true;
  if (/^(n|no|0|false|否)$/i.test(value)) return false;
  errors.push({ line: row.line, path: column, message: `expected Y or N, got ${JSON.stringify(value)}` });
  return undefined;
}

// Model field → CSV column, so that errors name what the user sees in the file.
const COLUMN_OF_FIELD: Readonly<Record<string, string>> = {
  id: 'customer_no',
  dealerId: 'dealer_code',
  lifecycleStage: 'lifecycle_stage',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  familyName: 'family_name',
  givenName: 'given_name',
  idNumber: 'id_number',
  organisationCode: 'organisation_code',
  householdId: 'household_id',
};

function columnOf(path: string, contactColumns: readonly string[]): string {
  const contact = /^contactPoints\[(\d+)\](.*)$/.exec(path);
  if (contact) {
    const column = contactColumns[Number(contact[1])] ?? 'contact';
    return contact[2]!.startsWith('.consents') ? 'consent_at' : column;
  }
  const [head = '', ...rest] = path.split('.');
  return [COLUMN_OF_FIELD[head] ?? head, ...rest].join('.');
}

function customerFromRow(row: CsvRow, errors: RowError[], contactColumns: string[]): unknown {
  const at = cell(row, 'consent_at') ?? cell(row, 'created_at');
  const consents: ConsentInput[] = [];
  const marketing = yesNo(row, 'sms_marketing', errors);
  const reminders = yesNo(row, 'sms_service_reminder', errors);
  if (marketing !== undefined && at !== undefined) consents.push({ purpose: 'marketing', channel: 'sms', status: marketing ? 'granted' : 'withdrawn', at, source: 'import' });
  if (reminders !== undefined && at !== undefined) consents.push({ purpose: 'service_reminder', channel: 'sms', status: reminders ? 'granted' : 'withdrawn', at, source: 'import' });
  const contactPoints: ContactPointInput[] = [];
  const mobile = cell(row, 'mobile');
  if (mobile !== undefined) {
    contactPoints.push({ kind: 'mobile', value: mobile, primary: true, consents });
    contactColumns.push('mobile');
  } else if (consents.length > 0) {
    errors.push({ line: row.line, path: 'mobile', message: 'SMS consents need a mobile number' });
  }
  const email = cell(row, 'email');
  if (email !== undefined) {
    contactPoints.push({ kind: 'email', value: email });
    contactColumns.push('email');
  }
  const wechat = cell(row, 'wechat');
  if (wechat !== undefined) {
    contactPoints.push({ kind: 'wechat', value: wechat });
    contactColumns.push('wechat');
  }
  const optional: Record<string, string | undefined> = {
    familyName: cell(row, 'family_name'),
    givenName: cell(row, 'given_name'),
    gender: cell(row, 'gender'),
    birthday: cell(row, 'birthday'),
    idNumber: cell(row, 'id_number'),
    organisationCode: cell(row, 'organisation_code'),
    householdId: cell(row, 'household_id'),
  };
  return {
    id: cell(row, 'customer_no'),
    kind: cell(row, 'kind'),
    type: cell(row, 'type'),
    name: cell(row, 'name'),
    dealerId: cell(row, 'dealer_code'),
    source: cell(row, 'source'),
    lifecycleStage: cell(row, 'lifecycle_stage'),
    createdAt: cell(row, 'created_at'),
    updatedAt: cell(row, 'updated_at') ?? cell(row, 'created_at'),
    contactPoints,
    tags: (cell(row, 'tags') ?? '').split(/[;|]/).map((t) => t.trim()).filter((t) => t !== ''),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Reads customers.csv. A duplicate customer number is an error of the later
 * row. Returns every customer when there are no errors; otherwise no
 * customers and every error, so that nothing is half-imported.
 *
 * @throws ValidationError when the file itself is malformed (CSV syntax, header).
 */
export function readCustomersCsv(text: string): CustomersCsvResult {
  const rows = readCsvRows(text, REQUIRED, CUSTOMER_CSV_COLUMNS);
  const errors: RowError[] = [];
  const customers: Customer[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const id = cell(row, 'customer_no');
    if (id !== undefined && seen.has(id)) {
      errors.push({ line: row.line, record: id, path: 'customer_no', message: `duplicate customer number, first on line ${seen.get(id)}` });
      continue;
    }
    if (id !== undefined) seen.set(id, row.line);
    const rowIssues: RowError[] = [];
    const contactColumns: string[] = [];
    const input = customerFromRow(row, rowIssues, contactColumns);
    try {
      const customer = parse(CustomerSchema, input);
      if (rowIssues.length === 0) customers.push(customer);
    } catch (error) {
      // updated_at defaults to created_at: an empty updated_at is reported as created_at, once.
      const defaulted = cell(row, 'updated_at') === undefined;
      for (const e of rowErrors(error, row.line, id)) {
        const path = defaulted && e.path === 'updatedAt' ? 'created_at' : columnOf(e.path, contactColumns);
        if (!rowIssues.some((known) => known.path === path && known.message === e.message)) rowIssues.push({ ...e, path });
      }
    }
    errors.push(...rowIssues.map((e) => (id === undefined || e.record !== undefined ? e : { ...e, record: id })));
  }
  return errors.length > 0 ? { customers: [], errors } : { customers, errors };
}
