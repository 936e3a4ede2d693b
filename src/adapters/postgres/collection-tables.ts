import { CrmError, ValidationError, sha256Hex } from '../../core/index.js';
import type { RecordCollectionDefinition } from '../collections.js';
import type { IndexFieldType } from '../index-values.js';
import type { AnyRegistry } from '../inputs.js';
import { columnTypes, parameterCasts, quoteIdentifier } from './sql-values.js';

/*
 * One table per collection: the tenant and id as primary key, the version,
 * the encoded record as jsonb, and one real column per indexed field with a
 * b-tree on (tenant_id, field, id) — the keyset order of a query on it.
 */

/** Tables of the adapter itself; no collection may take these names. */
export const reservedTableNames: readonly string[] = Object.freeze(['schema_migrations', 'stream_heads', 'stream_entries', 'stream_keys', 'outbox_deliveries']);

/** Columns every collection table has; no indexed field may take these names. */
export const reservedColumnNames: readonly string[] = Object.freeze(['tenant_id', 'id', 'version', 'document']);

/** The indexed fields of a collection by name, with their types: what a table's columns are made from. */
export type IndexColumnTypes = Readonly<Record<string, IndexFieldType>>;

/** An indexed field and its column. */
export interface IndexColumn {
  /** The field name in the record. */
  readonly field: string;
  /** The field's type. */
  readonly type: IndexFieldType;
  /** The quoted column name (`"dealerId"`). */
  readonly column: string;
}

/** What the statements of a collection need to know about its table. */
export interface CollectionTable {
  /** The collection name. */
  readonly collection: string;
  /** The schema-qualified, quoted table name. */
  readonly table: string;
  /** A column per indexed field, in declaration order. */
  readonly columns: readonly IndexColumn[];
  /** The column list of `jsonb_to_recordset(…) AS x(…)` for rows of this table: id, version, document and every index. */
  readonly recordset: string;
}

/** The index types of a collection definition. */
export function indexTypesOf(definition: RecordCollectionDefinition): IndexColumnTypes {
  return Object.fromEntries(Object.entries(definition.indexes).map(([field, declaration]) => [field, declaration.type]));
}

/** The name of the index on one field: `customers_dealerId_idx`, shortened with a hash when longer than PostgreSQL's 63 bytes. */
export function indexName(collection: string, field: string): string {
  const name = `${collection}_${field}_idx`;
  return name.length <= 63 ? name : `${name.slice(0, 50)}_${sha256Hex(name).slice(0, 12)}`;
}

/** The statements that create a collection's table and its indexes. */
export function collectionTableStatements(schema: string, collection: string, indexes: IndexColumnTypes): string[] {
  const table = `${quoteIdentifier(schema)}.${quoteIdentifier(collection)}`;
  const columns = Object.entries(indexes).map(([field, type]) => `  ${quoteIdentifier(field)} ${columnTypes[type]}`);
  return [
    [
      `CREATE TABLE ${table} (`,
      '  tenant_id text COLLATE "C" NOT NULL,',
      '  id text COLLATE "C" NOT NULL,',
      '  version integer NOT NULL CHECK (version >= 1),',
      '  document jsonb NOT NULL,',
      ...columns.map((column) => `${column},`),
      '  PRIMARY KEY (tenant_id, id)',
      ')',
    ].join('\n'),
    ...Object.keys(indexes).map((field) => indexStatement(schema, collection, field)),
  ];
}

/** The statement that creates the keyset index of one field. */
export function indexStatement(schema: string, collection: string, field: string): string {
  return `CREATE INDEX ${quoteIdentifier(indexName(collection, field))} ON ${quoteIdentifier(schema)}.${quoteIdentifier(collection)} (tenant_id, ${quoteIdentifier(field)}, id)`;
}

/**
 * The tables of every collection of a registry.
 *
 * @throws `ValidationError` when a collection takes the name of one of the
 * adapter's tables or an index takes the name of a column every table has.
 */
export function collectionTables(schema: string, registry: AnyRegistry): ReadonlyMap<string, CollectionTable> {
  const tables = new Map<string, CollectionTable>();
  const issues: { path: string; message: string }[] = [];
  for (const [collection, definition] of Object.entries(registry.collections)) {
    if (reservedTableNames.includes(collection)) {
      issues.push({ path: `registry.collections.${collection}`, message: `the PostgreSQL adapter keeps its own table under this name; reserved: ${reservedTableNames.join(', ')}` });
    }
    const columns = Object.entries(indexTypesOf(definition)).map(([field, type]): IndexColumn => {
      if (reservedColumnNames.includes(field)) {
        issues.push({ path: `registry.collections.${collection}.indexes.${field}`, message: `every table has a column of this name; reserved: ${reservedColumnNames.join(', ')}` });
      }
      return { field, type, column: quoteIdentifier(field) };
    });
    const recordset = ['id text', 'version integer', 'document jsonb', ...columns.map((column) => `${column.column} ${parameterCasts[column.type]}`)].join(', ');
    tables.set(collection, Object.freeze({ collection, table: `${quoteIdentifier(schema)}.${quoteIdentifier(collection)}`, columns: Object.freeze(columns), recordset }));
  }
  if (issues.length > 0) throw new ValidationError(issues, { label: 'PostgreSQL storage registry' });
  return tables;
}

/** The table of a collection, or `UNSUPPORTED` when the driver was made for a registry without it. */
export function tableOf(tables: ReadonlyMap<string, CollectionTable>, collection: string): CollectionTable {
  const table = tables.get(collection);
  if (table === undefined) {
    throw new CrmError('UNSUPPORTED', `the postgres storage driver has no table for collection ${JSON.stringify(collection)}; create the driver with the registry that declares it`, {
      details: { collection },
    });
  }
  return table;
}

/** The column of a field in a query (`id` is the id column). */
export function columnOf(table: CollectionTable, field: string): string {
  if (field === 'id') return 'id';
  const column = table.columns.find((candidate) => candidate.field === field);
  if (column === undefined) throw new ValidationError([{ path: 'plan', message: `${field} is not an indexed field of ${table.collection}` }]);
  return column.column;
}
