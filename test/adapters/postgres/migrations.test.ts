import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCrmError } from 'dealer-crm/core';
import { createCrmStorage, defaultStorageRegistry, defineRecordCollection, defineStorageRegistry, extendStorageRegistry, jsonRecordSchema } from 'dealer-crm/adapters';
import { createPostgresDriver, postgresMigrations, renderPostgresMigrations } from 'dealer-crm/adapters/postgres';
import { customerInput } from '../../../src/adapters/testing/fixtures.js';
import { databaseTargets, randomSchema, type TestDatabase } from './support.js';

const columnType = { string: 'text', number: 'double precision', boolean: 'boolean', instant: 'timestamp with time zone' } as const;

describe.each(databaseTargets)('migrations on $name', ({ open }) => {
  let database: TestDatabase;
  const extra: string[] = [];
  const fresh = () => {
    const schema = randomSchema();
    extra.push(schema);
    return schema;
  };

  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    for (const schema of extra) await database.sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await database.dispose();
  });

  it('apply every versioned migration once, record it with its checksum, and change nothing when run again', async () => {
    const driver = createPostgresDriver({ sql: database.sql, schema: fresh() });
    const first = await driver.migrate();
    expect(first.applied.map((migration) => migration.version)).toEqual(postgresMigrations.map((migration) => migration.version));
    expect(first.version).toBe(postgresMigrations.length);
    expect(first.collectionChanges).toEqual([]); // the migrations already cover every built-in collection
    const again = await driver.migrate();
    expect([again.applied, again.version, again.collectionChanges]).toEqual([[], postgresMigrations.length, []]);
    const recorded = await database.sql.query(`SELECT version, checksum FROM ${driver.schema}.schema_migrations ORDER BY version`);
    expect(recorded.map((row) => [Number(row.version), row.checksum])).toEqual(renderPostgresMigrations({ schema: driver.schema }).map((m) => [m.version, m.checksum]));
  });

  it('create a real column of the declared type (code-point collation for text) and a tenant-first b-tree for every indexed field', async () => {
    const driver = createPostgresDriver({ sql: database.sql, schema: fresh() });
    await driver.migrate();
    for (const [collection, definition] of Object.entries(defaultStorageRegistry.collections)) {
      const columns = await database.sql.query(
        'SELECT column_name, data_type, collation_name FROM information_schema.columns WHERE table_schema = $1::text AND table_name = $2::text',
        [driver.schema, collection],
      );
      const byName = new Map(columns.map((row) => [String(row.column_name), row]));
      for (const [field, { type }] of Object.entries(definition.indexes)) {
        expect(byName.get(field)?.data_type, `${collection}.${field}`).toBe(columnType[type]);
        if (type === 'string') expect(byName.get(field)?.collation_name, `${collection}.${field}`).toBe('C');
      }
      expect(byName.get('id')?.collation_name).toBe('C');
      const indexes = await database.sql.query('SELECT indexdef FROM pg_indexes WHERE schemaname = $1::text AND tablename = $2::text', [driver.schema, collection]);
      for (const field of Object.keys(definition.indexes)) {
        // PostgreSQL quotes an identifier in indexdef only when it must ("dealerId", but kind).
        expect(indexes.some((row) => new RegExp(`\\(tenant_id, "?${field}"?, id\\)`).test(String(row.indexdef))), `${collection}.${field}`).toBe(true);
      }
    }
  });

  it('lead every primary key and unique constraint with the tenant id, so that every table can be distributed by tenant', async () => {
    const driver = createPostgresDriver({ sql: database.sql, schema: fresh() });
    await driver.migrate();
    const keys = await database.sql.query(
      `SELECT c.relname AS table_name, con.conname, (SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = con.conkey[1]) AS first_column
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1::text AND con.contype IN ('p', 'u') AND c.relname <> 'schema_migrations'`,
      [driver.schema],
    );
    const tables = new Set(keys.map((row) => String(row.table_name)));
    // Eight collections and four stream tables.
    expect(tables).toEqual(new Set([...Object.keys(defaultStorageRegistry.collections), 'stream_heads', 'stream_entries', 'stream_keys', 'outbox_deliveries']));
    expect(keys.filter((row) => row.first_column !== 'tenant_id')).toEqual([]);
    const indexes = await database.sql.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1::text AND tablename <> 'schema_migrations'", [driver.schema]);
    expect(indexes.filter((row) => !/\(tenant_id[,)]/.test(String(row.indexdef)))).toEqual([]);
  });

  it('serialise concurrent migrate() calls on one schema: every call succeeds and the migrations are applied once', async () => {
    const schema = fresh();
    const results = await Promise.all(Array.from({ length: 4 }, () => createPostgresDriver({ sql: database.sql, schema }).migrate()));
    expect(results.flatMap((result) => result.applied.map((migration) => migration.version)).sort()).toEqual(postgresMigrations.map((migration) => migration.version));
    const recorded = await database.sql.query(`SELECT count(*)::integer AS n FROM ${schema}.schema_migrations`);
    expect(recorded[0]!.n).toBe(postgresMigrations.length);
  });

  it('keep each schema apart: the same tenant and id in two schemas are two records', async () => {
    const [a, b] = [createPostgresDriver({ sql: database.sql, schema: fresh() }), createPostgresDriver({ sql: database.sql, schema: fresh() })];
    await Promise.all([a.migrate(), b.migrate()]);
    await createCrmStorage(a).put('t', 'customers', customerInput('C-1', { name: '甲' }));
    expect(await createCrmStorage(b).get('t', 'customers', 'C-1')).toBeNull();
    await createCrmStorage(b).put('t', 'customers', customerInput('C-1', { name: '乙' }));
    expect((await createCrmStorage(a).get('t', 'customers', 'C-1'))?.record.name).toBe('甲');
  });

  it('refuse to go on when an applied migration was edited afterwards', async () => {
    const driver = createPostgresDriver({ sql: database.sql, schema: fresh() });
    await driver.migrate();
    await database.sql.query(`UPDATE ${driver.schema}.schema_migrations SET checksum = 'edited' WHERE version = 1`);
    const error = await driver.migrate().catch((caught: unknown) => caught);
    expect(isCrmError(error, 'BAD_RESPONSE') && /forward only/.test(error.message)).toBe(true);
  });

  it('create tables for new collections and add columns for new indexes, filled from the stored documents', async () => {
    const schema = fresh();
    const notes = (indexes: Record<string, { type: 'string' | 'instant' | 'number' }>) =>
      defineRecordCollection({
        description: 'call-centre notes',
        schema: jsonRecordSchema({ customerId: { type: 'string' }, at: { type: 'instant' }, minutes: { type: 'number' } }),
        indexes,
      });
    const v1 = extendStorageRegistry(defaultStorageRegistry, { collections: { notes: notes({ customerId: { type: 'string' } }) } });
    const driver1 = createPostgresDriver({ sql: database.sql, schema, registry: v1 });
    expect((await driver1.migrate()).collectionChanges).toEqual(['created table notes']);
    const storage1 = createCrmStorage(driver1, { registry: v1 });
    await storage1.put('t', 'notes', { id: 'N-1', customerId: 'C-1', at: '2024-05-01T09:00:00+08:00', minutes: 12 });
    await storage1.put('t', 'notes', { id: 'N-2', customerId: 'C-2', at: '2024-05-02T09:00:00+08:00' });

    const v2 = extendStorageRegistry(defaultStorageRegistry, {
      collections: { notes: notes({ customerId: { type: 'string' }, at: { type: 'instant' }, minutes: { type: 'number' } }) },
    });
    const driver2 = createPostgresDriver({ sql: database.sql, schema, registry: v2 });
    expect((await driver2.migrate()).collectionChanges).toEqual(['added column notes.at', 'added column notes.minutes']);
    const storage2 = createCrmStorage(driver2, { registry: v2 });
    // Records written before the columns existed are found through them.
    const page = await storage2.query('t', 'notes', { where: { at: { gte: '2024-05-02T00:00:00+08:00' } } });
    expect(page.items.map((item) => item.record.id)).toEqual(['N-2']);
    expect((await storage2.query('t', 'notes', { where: { minutes: { gt: 10 } } })).items.map((item) => item.record.id)).toEqual(['N-1']);
    expect((await driver2.migrate()).collectionChanges).toEqual([]);

    const changedType = extendStorageRegistry(defaultStorageRegistry, { collections: { notes: notes({ customerId: { type: 'number' } }) } });
    const error = await createPostgresDriver({ sql: database.sql, schema, registry: changedType })
      .migrate()
      .catch((caught: unknown) => caught);
    expect(isCrmError(error, 'UNSUPPORTED') && /customerId/.test(error.message)).toBe(true);
  });

  it('refuse a registry whose names collide with the adapter’s own tables and columns', () => {
    const registry = defineStorageRegistry({
      collections: {
        stream_entries: defineRecordCollection({ description: 'clash', schema: jsonRecordSchema({}), indexes: {} }),
        clash: defineRecordCollection({ description: 'clash', schema: jsonRecordSchema({}), indexes: { version: { type: 'number' } } }),
      },
      streams: {},
    });
    let caught: unknown;
    try {
      createPostgresDriver({ sql: database.sql, registry });
    } catch (error) {
      caught = error;
    }
    expect(isCrmError(caught, 'VALIDATION_FAILED')).toBe(true);
    expect((caught as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual([
      'registry.collections.stream_entries',
      'registry.collections.clash.indexes.version',
    ]);
  });
});

describe('migration text', () => {
  it('names the schema in every statement and keeps one checksum whatever the schema', () => {
    const [a, b] = [renderPostgresMigrations({ schema: 'crm_a' }), renderPostgresMigrations()];
    expect(a.map((m) => m.checksum)).toEqual(b.map((m) => m.checksum));
    for (const migration of a) {
      for (const statement of migration.sql.split(';\n').filter((s) => s.trim() !== '')) expect(statement).toContain('"crm_a".');
    }
    expect(b[0]!.sql).toContain('"dealer_crm".stream_entries');
  });

  it('refuses a schema name that is not a plain lower-case identifier', () => {
    for (const schema of ['Crm', 'crm-x', '1crm', 'pg_crm', '', 'a'.repeat(64)]) {
      expect(() => renderPostgresMigrations({ schema }), schema).toThrow(/schema name/);
    }
  });
});
