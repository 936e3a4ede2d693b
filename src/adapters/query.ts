import { ValidationError, canonicalJson, sha256Hex } from '../core/index.js';
import { parseIndexFilterValue } from './codec.js';
import type { RecordCollectionDefinition } from './collections.js';
import { decodeQueryCursor } from './cursor.js';
import type { IndexFilter, QueryPlan } from './driver.js';
import { checkInteger, checkOptions } from './inputs.js';
import type { IndexFieldType, IndexScalar, IndexValue } from './index-values.js';
import { storageLimits } from './limits.js';

/** A validated query: the driver plan for one page plus what the core needs around it. */
export interface PlannedQuery {
  /** The plan for the driver, asking for one row more than the page size. */
  readonly plan: QueryPlan;
  /** The page size asked for. */
  readonly pageSize: number;
  /** Identifies the query (collection, filters, order) inside its cursors. */
  readonly fingerprint: string;
  /** True when a condition can match nothing (`in: []`): no driver call is needed. */
  readonly matchesNothing: boolean;
}

const OPERATORS = ['eq', 'in', 'gt', 'gte', 'lt', 'lte'] as const;
const QUERY_KEYS = ['where', 'orderBy', 'limit', 'cursor'];

/**
 * Validates a {@link RecordQuery} against a collection's declared indexes
 * and turns it into a driver {@link QueryPlan}.
 *
 * @throws `ValidationError` for an undeclared field, a value of the
 * wrong type, an unknown operator, a bad limit or a cursor of another query.
 */
export function planQuery(collection: string, definition: RecordCollectionDefinition, query: unknown, pageSizeKey = 'limit'): PlannedQuery {
  const options = checkOptions(query, '', pageSizeKey === 'limit' ? QUERY_KEYS : ['where', 'orderBy', pageSizeKey]);
  const filters: IndexFilter[] = [];
  let matchesNothing = false;
  const where = options.where;
  if (where !== undefined) {
    if (where === null || typeof where !== 'object' || Array.isArray(where)) {
      throw new ValidationError([{ path: 'where', message: 'expected an object of conditions by field' }]);
    }
    for (const [field, condition] of Object.entries(where as Record<string, unknown>)) {
      if (condition === undefined) continue;
      const type = fieldType(collection, definition, field, `where.${field}`);
      const path = `where.${field}`;
      if (condition === null) {
        filters.push({ field, type, op: 'isNull' });
      } else if (typeof condition !== 'object' || condition instanceof Date) {
        filters.push({ field, type, op: 'eq', value: parseIndexFilterValue(type, condition, path) });
      } else {
        const ops = checkOptions(condition, path, OPERATORS);
        const present = OPERATORS.filter((op) => ops[op] !== undefined);
        if (present.length === 0) throw new ValidationError([{ path, message: `expected a value, null, or conditions (${OPERATORS.join(', ')})` }]);
        for (const op of present) {
          if (op === 'in') {
            const list = ops.in;
            if (!Array.isArray(list) || list.length > storageLimits.maxBatchItems) {
              throw new ValidationError([{ path: `${path}.in`, message: `expected an array of at most ${storageLimits.maxBatchItems} values` }]);
            }
            if (list.length === 0) matchesNothing = true;
            else filters.push({ field, type, op: 'in', values: list.map((value, index) => parseIndexFilterValue(type, value, `${path}.in[${index}]`)) });
          } else {
            filters.push({ field, type, op, value: parseIndexFilterValue(type, ops[op], `${path}.${op}`) });
          }
        }
      }
    }
  }
  const order = parseOrder(collection, definition, options.orderBy);
  const pageSize = checkInteger(options[pageSizeKey], pageSizeKey, 1, storageLimits.maxPageSize, storageLimits.defaultPageSize);
  filters.sort((a, b) => (a.field === b.field ? (a.op < b.op ? -1 : a.op > b.op ? 1 : 0) : a.field < b.field ? -1 : 1));
  const fingerprint = sha256Hex(canonicalJson({ collection, filters, order })).slice(0, 16);
  let after: QueryPlan['after'] = null;
  const cursor = options.cursor;
  if (cursor !== undefined && cursor !== null) {
    if (typeof cursor !== 'string') throw new ValidationError([{ path: 'cursor', message: 'expected a cursor string or null' }]);
    after = decodeQueryCursor(cursor, fingerprint, order.type);
  }
  return { plan: { filters, order, after, limit: pageSize + 1 }, pageSize, fingerprint, matchesNothing };
}

function parseOrder(collection: string, definition: RecordCollectionDefinition, orderBy: unknown): QueryPlan['order'] {
  const options = checkOptions(orderBy, 'orderBy', ['field', 'direction']);
  const field = options.field ?? 'id';
  if (typeof field !== 'string') throw new ValidationError([{ path: 'orderBy.field', message: 'expected the name of an indexed field' }]);
  const type = fieldType(collection, definition, field, 'orderBy.field');
  const direction = options.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw new ValidationError([{ path: 'orderBy.direction', message: `expected asc or desc, got ${JSON.stringify(direction)}` }]);
  }
  return { field, type, direction };
}

function fieldType(collection: string, definition: RecordCollectionDefinition, field: string, path: string): IndexFieldType {
  if (field === 'id') return 'string';
  if (Object.hasOwn(definition.indexes, field)) return definition.indexes[field]!.type;
  throw new ValidationError([
    { path, message: `${field} is not an indexed field of ${collection}; indexed fields: id, ${Object.keys(definition.indexes).join(', ')}` },
  ]);
}

/**
 * Checks a driver-level {@link QueryPlan} that arrived from outside (over a
 * wire): every field declared with the type the plan states, every value of
 * that type, a sane limit. Returns a copy holding only the known properties.
 *
 * @throws `ValidationError` naming the first broken rule.
 */
export function checkQueryPlan(collection: string, definition: RecordCollectionDefinition, input: unknown): QueryPlan {
  const plan = checkOptions(input, 'plan', ['filters', 'order', 'after', 'limit']);
  if (!Array.isArray(plan.filters) || plan.filters.length > 64) {
    throw new ValidationError([{ path: 'plan.filters', message: 'expected an array of at most 64 filters' }]);
  }
  const filters = plan.filters.map((raw: unknown, index): IndexFilter => {
    const path = `plan.filters[${index}]`;
    const filter = checkOptions(raw, path, ['field', 'type', 'op', 'value', 'values']);
    const field = String(filter.field);
    const type = fieldType(collection, definition, field, `${path}.field`);
    if (filter.type !== type) throw new ValidationError([{ path: `${path}.type`, message: `${field} is a ${type} field` }]);
    switch (filter.op) {
      case 'isNull':
        return { field, type, op: 'isNull' };
      case 'in': {
        const values = filter.values;
        if (!Array.isArray(values) || values.length === 0 || values.length > storageLimits.maxBatchItems) {
          throw new ValidationError([{ path: `${path}.values`, message: `expected 1 to ${storageLimits.maxBatchItems} values` }]);
        }
        return { field, type, op: 'in', values: values.map((value, i) => scalarOfType(type, value, `${path}.values[${i}]`)) };
      }
      case 'eq':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return { field, type, op: filter.op, value: scalarOfType(type, filter.value, `${path}.value`) };
      default:
        throw new ValidationError([{ path: `${path}.op`, message: 'expected eq, in, gt, gte, lt, lte or isNull' }]);
    }
  });
  const orderInput = checkOptions(plan.order, 'plan.order', ['field', 'type', 'direction']);
  const order = parseOrder(collection, definition, { field: orderInput.field, direction: orderInput.direction });
  if (orderInput.type !== order.type) throw new ValidationError([{ path: 'plan.order.type', message: `${order.field} is a ${order.type} field` }]);
  let after: QueryPlan['after'] = null;
  if (plan.after !== null && plan.after !== undefined) {
    const position = checkOptions(plan.after, 'plan.after', ['value', 'id']);
    if (typeof position.id !== 'string') throw new ValidationError([{ path: 'plan.after.id', message: 'expected a record id' }]);
    const value: IndexScalar = position.value === null ? null : scalarOfType(order.type, position.value, 'plan.after.value');
    after = { value, id: position.id };
  }
  const limit = checkInteger(plan.limit, 'plan.limit', 1, storageLimits.maxPageSize + 1);
  return { filters, order, after, limit };
}

function scalarOfType(type: IndexFieldType, value: unknown, path: string): IndexValue {
  if (type === 'instant') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new ValidationError([{ path, message: 'expected an instant as integer epoch milliseconds' }]);
    }
    return value;
  }
  return parseIndexFilterValue(type, value, path);
}
