/**
 * transactions.csv, in the shape a DMS exports invoiced documents: one row per
 * document line (a repair order or parts sale has several rows with the same
 * `doc_no`; a vehicle sale has one), amounts as decimal yuan. Rows are grouped
 * into transactions, totals are the sums of the lines, and every transaction
 * is parsed with the transaction model; errors are collected per row.
 */
import { decimalToMinor, parse } from '../../core/index.js';
import { TransactionSchema, type Transaction } from '../../customer/index.js';
import { cell, readCsvRows, rowErrors, type CsvRow, type RowError } from './csv-rows.js';

/** The columns of transactions.csv; the first eight are required. */
export const TRANSACTION_CSV_COLUMNS = [
  'doc_no',
  'doc_type',
  'dealer_code',
  'customer_no',
  'invoice_at',
  'currency',
  'revenue',
  'cost',
  'vehicle_id',
  'service_kind',
  'sale_kind',
  'ro_number',
  'odometer_km',
  'line_category',
  'line_code',
  'description',
  'quantity',
  'pay_type',
] as const;

const REQUIRED = TRANSACTION_CSV_COLUMNS.slice(0, 8);

// Columns that describe the document and must agree on every line of it.
const DOCUMENT_COLUMNS = ['doc_type', 'dealer_code', 'customer_no', 'invoice_at', 'currency', 'vehicle_id', 'service_kind', 'sale_kind', 'ro_number', 'odometer_km'] as const;

/** The result of reading transactions.csv: the transactions, or every row's errors. */
export interface TransactionsCsvResult {
  readonly transactions: Transaction[];
  readonly errors: RowError[];
}

function amount(row: CsvRow, column: string, currency: string, errors: RowError[], record: string): number {
  const text = cell(row, column);
  if (text === undefined) {
    errors.push({ line: row.line, record, path: column, message: 'expected an amount' });
    return 0;
  }
  try {
    return decimalToMinor(text, currency);
  } catch (error) {
    errors.push(...rowErrors(error, row.line, record).map((e) => ({ ...e, path: column })));
    return 0;
  }
}

function transactionFromRows(docNo: string, rows: readonly CsvRow[], errors: RowError[]): unknown {
  const first = rows[0]!;
  for (const row of rows.slice(1)) {
    for (const column of DOCUMENT_COLUMNS) {
      if ((cell(row, column) ?? '') !== (cell(first, column) ?? '')) {
        errors.push({ line: row.line, record: docNo, path: column, message: `differs from line ${first.line} of the same document (${JSON.stringify(cell(first, column) ?? '')})` });
      }
    }
  }
  const currency = cell(first, 'currency') ?? 'CNY';
  const type = cell(first, 'doc_type');
  const odometer = cell(first, 'odometer_km');
  const base = {
    type,
    id: docNo,
    dealerId: cell(first, 'dealer_code'),
    customerId: cell(first, 'customer_no'),
    at: cell(first, 'invoice_at'),
    currency,
  };
  if (type === 'vehicle_sale') {
    if (rows.length > 1) errors.push({ line: rows[1]!.line, record: docNo, path: 'doc_no', message: 'a vehicle sale has one row' });
    const revenue = amount(first, 'revenue', currency, errors, docNo);
    const cost = amount(first, 'cost', currency, errors, docNo);
    return { ...base, vehicleId: cell(first, 'vehicle_id'), saleKind: cell(first, 'sale_kind') ?? 'new', revenueMinor: revenue, grossProfitMinor: revenue - cost };
  }
  const lines = rows.map((row) => {
    const quantity = cell(row, 'quantity');
    return {
      category: cell(row, 'line_category'),
      ...(cell(row, 'line_code') === undefined ? {} : { code: cell(row, 'line_code') }),
      ...(cell(row, 'description') === undefined ? {} : { description: cell(row, 'description') }),
      quantity: quantity === undefined ? 1 : Number(quantity),
      revenueMinor: amount(row, 'revenue', currency, errors, docNo),
      costMinor: amount(row, 'cost', currency, errors, docNo),
      payType: cell(row, 'pay_type') ?? 'customer',
    };
  });
  const revenueMinor = lines.reduce((sum, line) => sum + line.revenueMinor, 0);
  const grossProfitMinor = lines.reduce((sum, line) => sum + line.revenueMinor - line.costMinor, 0);
  const order = { ...base, revenueMinor, grossProfitMinor, lines };
  if (type === 'repair_order') {
    return {
      ...order,
      vehicleId: cell(first, 'vehicle_id'),
      serviceKind: cell(first, 'service_kind') ?? 'other',
      ...(cell(first, 'ro_number') === undefined ? {} : { roNumber: cell(first, 'ro_number') }),
      ...(odometer === undefined ? {} : { odometerKm: Number(odometer) }),
    };
  }
  return { ...order, ...(cell(first, 'vehicle_id') === undefined ? {} : { vehicleId: cell(first, 'vehicle_id') }) };
}

/** Maps a model path of a transaction back to the row and column it came from. */
function locate(path: string, rows: readonly CsvRow[]): { line: number; path: string } {
  const line = /^lines\[(\d+)\]\.?(.*)$/.exec(path);
  if (line) {
    const field = line[2] ?? '';
    const column = { category: 'line_category', code: 'line_code', revenueMinor: 'revenue', costMinor: 'cost', payType: 'pay_type' }[field] ?? field;
    return { line: rows[Number(line[1])]?.line ?? rows[0]!.line, path: column };
  }
  const column = { id: 'doc_no', type: 'doc_type', dealerId: 'dealer_code', customerId: 'customer_no', at: 'invoice_at', vehicleId: 'vehicle_id', serviceKind: 'service_kind', saleKind: 'sale_kind', odometerKm: 'odometer_km', revenueMinor: 'revenue', grossProfitMinor: 'cost' }[path] ?? path;
  return { line: rows[0]!.line, path: column };
}

/**
 * Reads transactions.csv. Returns every transaction when there are no errors;
 * otherwise no transactions and every error, so that nothing is half-imported.
 *
 * @throws ValidationError when the file itself is malformed (CSV syntax, header).
 */
export function readTransactionsCsv(text: string): TransactionsCsvResult {
  const rows = readCsvRows(text, REQUIRED, TRANSACTION_CSV_COLUMNS);
  const errors: RowError[] = [];
  const documents = new Map<string, CsvRow[]>();
  for (const row of rows) {
    const docNo = cell(row, 'doc_no');
    if (docNo === undefined) {
      errors.push({ line: row.line, path: 'doc_no', message: 'expected a document number' });
      continue;
    }
    const list = documents.get(docNo);
    if (list) list.push(row);
    else documents.set(docNo, [row]);
  }
  const transactions: Transaction[] = [];
  for (const [docNo, docRows] of documents) {
    const docErrors: RowError[] = [];
    const input = transactionFromRows(docNo, docRows, docErrors);
    try {
      const transaction = parse(TransactionSchema, input);
      if (docErrors.length === 0) transactions.push(transaction);
    } catch (error) {
      for (const e of rowErrors(error, docRows[0]!.line, docNo)) docErrors.push({ ...e, ...locate(e.path, docRows) });
    }
    errors.push(...docErrors);
  }
  errors.sort((a, b) => a.line - b.line);
  return errors.length > 0 ? { transactions: [], errors } : { transactions, errors };
}
