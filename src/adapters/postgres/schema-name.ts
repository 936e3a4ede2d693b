import { ValidationError } from '../../core/index.js';

/** The schema the PostgreSQL adapter uses when none is named. */
export const defaultPostgresSchema = 'dealer_crm';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name: lower-case letters, digits and `_`, at most 63
 * characters, not starting with a digit or `pg_` (reserved by PostgreSQL).
 *
 * @throws `ValidationError` naming `options.schema`.
 */
export function checkSchemaName(schema: unknown): string {
  if (typeof schema === 'string' && SCHEMA_NAME.test(schema) && !schema.startsWith('pg_')) return schema;
  throw new ValidationError([
    { path: 'options.schema', message: `expected a schema name of lower-case letters, digits and _ (at most 63, not starting with a digit or pg_), got ${JSON.stringify(schema)}` },
  ]);
}
