import { collectionTableStatements, type IndexColumnTypes } from './collection-tables.js';
import { quoteIdentifier } from './sql-values.js';

/** A versioned, forward-only schema migration of the PostgreSQL adapter. */
export interface PostgresMigration {
  /** 1, 2, 3, … applied in order, each once. */
  readonly version: number;
  /** What it does. */
  readonly name: string;
  /** Its statements for a schema name; their text (with the schema name abstracted) is checksummed. */
  statements(schema: string): readonly string[];
}

function streamTables(schema: string): string[] {
  const s = quoteIdentifier(schema);
  const key = ['  tenant_id text COLLATE "C" NOT NULL,', '  kind text COLLATE "C" NOT NULL,', '  stream_id text COLLATE "C" NOT NULL,'];
  return [
    [
      `CREATE TABLE ${s}.stream_heads (`,
      ...key,
      '  version bigint NOT NULL CHECK (version >= 0),',
      '  PRIMARY KEY (tenant_id, kind, stream_id)',
      ')',
    ].join('\n'),
    [
      `CREATE TABLE ${s}.stream_entries (`,
      ...key,
      '  position bigint NOT NULL CHECK (position >= 1),',
      '  payload jsonb NOT NULL,',
      '  idempotency_key text COLLATE "C",',
      '  PRIMARY KEY (tenant_id, kind, stream_id, position)',
      ')',
    ].join('\n'),
    [
      `CREATE TABLE ${s}.stream_keys (`,
      ...key,
      '  idempotency_key text COLLATE "C" NOT NULL,',
      '  payload_hash text NOT NULL,',
      '  first_position bigint NOT NULL,',
      '  entry_count integer NOT NULL,',
      '  PRIMARY KEY (tenant_id, kind, stream_id, idempotency_key)',
      ')',
    ].join('\n'),
    [
      `CREATE TABLE ${s}.outbox_deliveries (`,
      '  tenant_id text COLLATE "C" NOT NULL,',
      '  stream_id text COLLATE "C" NOT NULL,',
      '  position bigint NOT NULL,',
      "  status text NOT NULL CHECK (status IN ('pending', 'claimed', 'delivered', 'failed', 'dead')),",
      '  attempts integer NOT NULL DEFAULT 0,',
      '  lease_expires_at timestamptz,',
      '  next_attempt_at timestamptz,',
      '  delivered_at timestamptz,',
      '  last_error text,',
      '  PRIMARY KEY (tenant_id, stream_id, position)',
      ')',
    ].join('\n'),
    `CREATE INDEX outbox_deliveries_claimable_idx ON ${s}.outbox_deliveries (tenant_id, stream_id, position) WHERE status IN ('pending', 'failed', 'claimed')`,
  ];
}

// The built-in collections as storage contract 1 declares them. A migration
// is frozen once released: later changes to the registry's indexes are
// applied by migrate() as added columns, never by editing this list.
const string = 'string';
const instant = 'instant';
const contractOneCollections: Readonly<Record<string, IndexColumnTypes>> = {
  customers: {
    dealerId: string,
    kind: string,
    type: string,
    lifecycleStage: string,
    source: string,
    householdId: string,
    referredBy: string,
    name: string,
    createdAt: instant,
    updatedAt: instant,
  },
  vehicles: { vin: string, make: string, model: string, modelYear: 'number', fuelType: string, sellingDealerId: string, purchaseDate: string, warrantyEnd: string },
  ownerships: { customerId: string, vehicleId: string, role: string, from: instant, to: instant },
  leads: { customerId: string, dealerId: string, source: string, stage: string, ownerId: string, createdAt: instant, updatedAt: instant },
  complaints: {
    dealerId: string,
    customerId: string,
    vin: string,
    channel: string,
    status: string,
    severity: string,
    category: string,
    openedAt: instant,
    lastEventAt: instant,
  },
  loyalty_members: { programId: string, customerId: string, householdId: string, joinedAt: instant },
  programs: { name: string, currency: string },
  policies: { kind: string, dealerId: string, name: string, updatedAt: instant },
};

/**
 * The migrations of the PostgreSQL adapter, in order. Every primary key
 * leads with `tenant_id`, so every table can be distributed by tenant (Citus
 * `create_distributed_table(…, 'tenant_id')`) and every call of one tenant
 * stays on one shard.
 */
export const postgresMigrations: readonly PostgresMigration[] = Object.freeze([
  {
    version: 1,
    name: 'streams: heads, entries, idempotency keys and outbox deliveries',
    statements: streamTables,
  },
  {
    version: 2,
    name: 'the built-in collections of storage contract 1',
    statements: (schema: string) => Object.entries(contractOneCollections).flatMap(([collection, indexes]) => collectionTableStatements(schema, collection, indexes)),
  },
]);
