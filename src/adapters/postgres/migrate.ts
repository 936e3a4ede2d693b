import { CrmError, sha256Hex } from '../../core/index.js';
import type { IndexFieldType } from '../index-values.js';
import type { AnyRegistry } from '../inputs.js';
import { collectionTableStatements, indexStatement, indexTypesOf } from './collection-tables.js';
import { postgresMigrations, type PostgresMigration } from './migrations.js';
import { checkSchemaName, defaultPostgresSchema } from './schema-name.js';
import type { PostgresSqlDriver, PostgresSqlSession } from './sql-driver.js';
import { columnTypes, quoteIdentifier } from './sql-values.js';

/** What {@link PostgresStorageDriver.migrate} did. */
export interface PostgresMigrationResult {
  /** The schema migrated. */
  readonly schema: string;
  /** The migrations this call applied (none when the schema was up to date). */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** The highest migration version the schema has now. */
  readonly version: number;
  /** Tables and columns added for collections of the registry beyond the migrations (`created table notes`, `added column customers.segment`). */
  readonly collectionChanges: readonly string[];
}

/** A migration rendered as SQL for one schema. */
export interface RenderedPostgresMigration {
  /** Its version. */
  readonly version: number;
  /** What it does. */
  readonly name: string;
  /** Its statements, separated by `;`. */
  readonly sql: string;
  /** The SHA-256 of its text (for a placeholder schema name), as recorded in `schema_migrations`. */
  readonly checksum: string;
}

function renderMigration(migration: PostgresMigration, schema: string): RenderedPostgresMigration {
  const join = (statements: readonly string[]) => `${statements.join(';\n\n')};\n`;
  return { version: migration.version, name: migration.name, sql: join(migration.statements(schema)), checksum: sha256Hex(join(migration.statements('__schema__'))) };
}

/**
 * The versioned migrations as SQL text for a schema, for a DBA to review or
 * to run with another migration tool (then record each in
 * `schema_migrations` with its checksum, as `migrate()` does).
 *
 * @throws `ValidationError` for a bad schema name.
 * @example
 * ```ts
 * for (const migration of renderPostgresMigrations({ schema: 'crm' })) console.log(`-- ${migration.version}: ${migration.name}\n${migration.sql}`);
 * ```
 */
export function renderPostgresMigrations(options: { readonly schema?: string } = {}): RenderedPostgresMigration[] {
  const schema = checkSchemaName(options.schema ?? defaultPostgresSchema);
  return postgresMigrations.map((migration) => renderMigration(migration, schema));
}

// The udt_name information_schema reports for each column type.
const udtNames: Readonly<Record<IndexFieldType, string>> = { string: 'text', number: 'float8', boolean: 'bool', instant: 'timestamptz' };

// How to fill a new index column from the stored documents (instants are stored as ISO 8601 text).
const backfills: Readonly<Record<IndexFieldType, { json: string; value: (field: string) => string }>> = {
  string: { json: 'string', value: (field) => `document->>'${field}'` },
  number: { json: 'number', value: (field) => `(document->'${field}')::float8` },
  boolean: { json: 'boolean', value: (field) => `(document->'${field}')::boolean` },
  instant: { json: 'string', value: (field) => `(document->>'${field}')::timestamptz` },
};

/**
 * Brings a schema up to date, in one transaction, serialised with any other
 * migrating process by an advisory lock: creates the schema and the
 * `schema_migrations` table if needed, applies every migration not yet
 * recorded there (forward only; an applied migration whose text changed is
 * refused), then creates tables and adds columns for collections of the
 * registry that the migrations do not cover. Idempotent.
 */
export async function migrateSchema(sql: PostgresSqlDriver, schema: string, registry: AnyRegistry): Promise<PostgresMigrationResult> {
  const s = quoteIdentifier(schema);
  return await sql.transaction(async (session) => {
    await session.query('SELECT pg_advisory_xact_lock($1::bigint)', [Number.parseInt(sha256Hex(`dealer-crm migrate ${schema}`).slice(0, 15), 16)]);
    await session.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await session.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const recorded = new Map(
      (await session.query(`SELECT version, checksum FROM ${s}.schema_migrations`)).map((row) => [Number(row.version), String(row.checksum)] as const),
    );
    const applied: { version: number; name: string }[] = [];
    for (const migration of postgresMigrations) {
      const { checksum } = renderMigration(migration, schema);
      const stored = recorded.get(migration.version);
      if (stored !== undefined) {
        if (stored !== checksum) {
          throw new CrmError(
            'BAD_RESPONSE',
            `migration ${migration.version} (${migration.name}) of schema ${schema} was applied with checksum ${stored.slice(0, 12)}…, but this dealer-crm's migration ${migration.version} has checksum ${checksum.slice(0, 12)}…: migrations are forward only and may not change once applied`,
            { details: { schema, version: migration.version } },
          );
        }
        continue;
      }
      for (const statement of migration.statements(schema)) await session.query(statement);
      await session.query(`INSERT INTO ${s}.schema_migrations (version, name, checksum) VALUES ($1::integer, $2::text, $3::text)`, [migration.version, migration.name, checksum]);
      applied.push({ version: migration.version, name: migration.name });
    }
    const collectionChanges = await reconcileCollections(session, schema, registry);
    const version = Math.max(0, ...recorded.keys(), ...applied.map((item) => item.version));
    return { schema, applied, version, collectionChanges };
  });
}

/** Creates the tables and index columns the registry declares and the schema lacks; refuses a column whose type changed. */
async function reconcileCollections(session: PostgresSqlSession, schema: string, registry: AnyRegistry): Promise<string[]> {
  const changes: string[] = [];
  for (const [collection, definition] of Object.entries(registry.collections)) {
    const indexes = indexTypesOf(definition);
    const existing = new Map(
      (await session.query('SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = $1::text AND table_name = $2::text', [schema, collection])).map(
        (row) => [String(row.column_name), String(row.udt_name)] as const,
      ),
    );
    if (existing.size === 0) {
      for (const statement of collectionTableStatements(schema, collection, indexes)) await session.query(statement);
      changes.push(`created table ${collection}`);
      continue;
    }
    const table = `${quoteIdentifier(schema)}.${quoteIdentifier(collection)}`;
    for (const [field, type] of Object.entries(indexes)) {
      const udt = existing.get(field);
      if (udt === undefined) {
        const column = quoteIdentifier(field);
        const fill = backfills[type];
        await session.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${columnTypes[type]}`);
        await session.query(`UPDATE ${table} SET ${column} = ${fill.value(field)} WHERE jsonb_typeof(document->'${field}') = '${fill.json}'`);
        await session.query(indexStatement(schema, collection, field));
        changes.push(`added column ${collection}.${field}`);
      } else if (udt !== udtNames[type]) {
        throw new CrmError(
          'UNSUPPORTED',
          `column ${collection}.${field} of schema ${schema} has type ${udt}, but the registry declares ${field} as ${type} (${udtNames[type]}); changing an index type needs a data migration`,
          { details: { schema, collection, field } },
        );
      }
    }
  }
  return changes;
}
