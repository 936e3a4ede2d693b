/**
 * Reading DMS CSV exports: parse the text into rows keyed by header, and
 * collect every row's errors (with its line number) instead of stopping at the
 * first, so that one run tells the user everything to fix.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { ValidationError, type ValidationIssue } from '../../core/index.js';

/** One data row: its line number in the file (1 is the header) and its cells by column name. */
export interface CsvRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** An error of one row. */
export interface RowError {
  /** The line in the file (1 is the header). */
  readonly line: number;
  /** The record the row belongs to (a customer or document number), when known. */
  readonly record?: string;
  /** Where in the row or record, and what is wrong. */
  readonly path: string;
  readonly message: string;
}

/**
 * Parses CSV text with a header row (UTF-8, an optional byte-order mark,
 * quoted fields, CRLF or LF). Checks that the required columns are present.
 *
 * @throws ValidationError for malformed CSV or missing columns.
 */
export function readCsvRows(text: string, required: readonly string[], known: readonly string[]): CsvRow[] {
  let records: string[][];
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (error) {
    throw new ValidationError([{ path: '', message: `malformed CSV: ${(error as Error).message}` }], { label: 'CSV file', cause: error });
  }
  const [header, ...body] = records;
  if (header === undefined) throw new ValidationError([{ path: '', message: 'the file is empty: expected a header row' }], { label: 'CSV file' });
  const issues: ValidationIssue[] = [];
  for (const column of required) if (!header.includes(column)) issues.push({ path: 'header', message: `missing column ${column}` });
  for (const column of header) if (!known.includes(column)) issues.push({ path: 'header', message: `unknown column ${JSON.stringify(column)}; expected some of ${known.join(', ')}` });
  if (issues.length > 0) throw new ValidationError(issues, { label: 'CSV header' });
  return body.map((cells, index) => ({
    line: index + 2,
    cells: Object.fromEntries(header.map((column, i) => [column, cells[i] ?? ''])),
  }));
}

/** The non-empty cell of a column, or undefined. */
export function cell(row: CsvRow, column: string): string | undefined {
  const value = row.cells[column];
  return value === undefined || value === '' ? undefined : value;
}

/** Turns a ValidationError raised for a row into row errors. */
export function rowErrors(error: unknown, line: number, record?: string): RowError[] {
  if (error instanceof ValidationError) {
    return error.issues.map((issue) => ({ line, ...(record === undefined ? {} : { record }), path: issue.path, message: issue.message }));
  }
  throw error;
}

/** Formats row errors for a terminal, one per line. */
export function formatRowErrors(errors: readonly RowError[], limit = 50): string {
  const lines = errors.slice(0, limit).map((e) => `line ${e.line}${e.record ? ` (${e.record})` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`);
  if (errors.length > limit) lines.push(`… and ${errors.length - limit} more`);
  return lines.join('\n');
}
