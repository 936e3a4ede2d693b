import type { IndexFilter, QueryPlan, StoredRow } from '../driver.js';
import type { IndexFieldType, IndexScalar } from '../index-values.js';
import { columnOf, type CollectionTable } from './collection-tables.js';
import { storedRow } from './record-statements.js';
import type { StatementScope } from './scope.js';
import { SqlParameters, parameterCasts, sqlIndexValue } from './sql-values.js';

/*
 * A query plan as one SELECT. PostgreSQL's own order is the contract's:
 * text columns are `COLLATE "C"` (code-point order), NULLs sort last
 * ascending and first descending, and a NULL never satisfies a comparison.
 * Pages are keyset pages on (order column, id), which the b-tree on
 * (tenant_id, column, id) serves in either direction.
 */

function filterSql(table: CollectionTable, filter: IndexFilter, params: SqlParameters): string {
  const column = columnOf(table, filter.field);
  const value = (scalar: IndexScalar) => params.add(sqlIndexValue(filter.type, scalar, `plan.filters.${filter.field}`), parameterCasts[filter.type]);
  switch (filter.op) {
    case 'isNull':
      return `${column} IS NULL`;
    case 'eq':
      return `${column} = ${value(filter.value)}`;
    case 'in':
      return `${column} IN (${filter.values.map(value).join(', ')})`;
    case 'gt':
      return `${column} > ${value(filter.value)}`;
    case 'gte':
      return `${column} >= ${value(filter.value)}`;
    case 'lt':
      return `${column} < ${value(filter.value)}`;
    case 'lte':
      return `${column} <= ${value(filter.value)}`;
  }
}

/** The condition "strictly after (value, id) in the order": the keyset of the next page. */
function afterSql(column: string, type: IndexFieldType, direction: 'asc' | 'desc', after: NonNullable<QueryPlan['after']>, params: SqlParameters): string {
  const id = params.add(after.id, 'text');
  const beyond = direction === 'asc' ? '>' : '<';
  if (column === 'id') return `id ${beyond} ${id}`;
  if (after.value === null) {
    // Ascending, NULLs come last: only NULLs with a greater id remain. Descending, NULLs come first: the rest of them, then every value.
    return direction === 'asc' ? `(${column} IS NULL AND id > ${id})` : `(${column} IS NOT NULL OR id < ${id})`;
  }
  const value = params.add(sqlIndexValue(type, after.value, 'plan.after.value'), parameterCasts[type]);
  return direction === 'asc' ? `((${column}, id) > (${value}, ${id}) OR ${column} IS NULL)` : `(${column}, id) < (${value}, ${id})`;
}

/** The SELECT of a query plan, with its parameters. */
export function querySql(table: CollectionTable, tenantId: string, plan: QueryPlan): { sql: string; params: unknown[] } {
  const params = new SqlParameters();
  const conditions = [`tenant_id = ${params.add(tenantId, 'text')}`, ...plan.filters.map((filter) => filterSql(table, filter, params))];
  const column = columnOf(table, plan.order.field);
  if (plan.after !== null) conditions.push(afterSql(column, plan.order.type, plan.order.direction, plan.after, params));
  const direction = plan.order.direction === 'asc' ? 'ASC' : 'DESC';
  const order = column === 'id' ? `id ${direction}` : `${column} ${direction}, id ${direction}`;
  const sql = [
    `SELECT tenant_id, id, version, document::text AS document FROM ${table.table}`,
    `WHERE ${conditions.join(' AND ')}`,
    `ORDER BY ${order}`,
    `LIMIT ${params.add(plan.limit, 'integer')}`,
  ].join('\n');
  return { sql, params: params.values };
}

/** Runs a query plan. */
export async function queryRecords(scope: StatementScope, table: CollectionTable, tenantId: string, plan: QueryPlan): Promise<StoredRow[]> {
  const { sql, params } = querySql(table, tenantId, plan);
  return (await scope.query(sql, params, `querying ${table.collection}`)).map(storedRow);
}
