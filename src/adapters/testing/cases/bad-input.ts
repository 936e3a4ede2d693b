import { ValidationError } from '../../../core/index.js';
import { check, equal, namesPath, rejects } from '../assert.js';
import { customerInput } from '../fixtures.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

async function nothingStored(ctx: ConformanceContext, collection: string, id: string, message: string): Promise<void> {
  equal(await ctx.storage.get(ctx.tenant, collection as 'customers', id), null, message);
  if (ctx.inspect !== undefined) {
    const raw = await ctx.inspect.readRecord({ storage: ctx.storage, tenantId: ctx.tenant, collection, id });
    check(raw === null || raw === undefined, `${message} (as inspected)`);
  }
}

/** Bad input is a ValidationError and writes nothing. */
export const badInputCases: ConformanceCase[] = [
  {
    area: 'bad input',
    name: 'an unknown collection or stream kind is a ValidationError',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const error = await rejects(storage.put(tenant, 'nope' as never, customerInput(key) as never), 'VALIDATION_FAILED', 'a put to an unknown collection');
      namesPath(error, 'collection', 'the error names the collection');
      await rejects(storage.get(tenant, 'constructor' as never, key), 'VALIDATION_FAILED', 'a name inherited from Object.prototype is no collection');
      await rejects(storage.query(tenant, 'Customers' as never), 'VALIDATION_FAILED', 'collection names are exact');
      const kind = await rejects(storage.append(tenant, 'ledger' as never, 'S-1', [{}] as never), 'VALIDATION_FAILED', 'an append to an unknown stream kind');
      namesPath(kind, 'kind', 'the error names the kind');
    },
  },
  {
    area: 'bad input',
    name: 'a malformed record is a ValidationError naming the path, and nothing is written',
    async run(ctx) {
      const key = ctx.id('C');
      const error = await rejects(
        ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { lifecycleStage: 'royal', contactPoints: [{ kind: 'mobile', value: 'not a phone' }] })),
        'VALIDATION_FAILED',
        'a customer with a bad stage and a bad phone',
      );
      namesPath(error, 'lifecycleStage', 'the error names lifecycleStage');
      namesPath(error, 'contactPoints[0].value', 'the error names the phone number');
      await nothingStored(ctx, 'customers', key, 'the malformed record was not written');
      await rejects(ctx.storage.put(ctx.tenant, 'customers', null as never), 'VALIDATION_FAILED', 'null as a record');
      await rejects(ctx.storage.put(ctx.tenant, 'vehicles', { id: ctx.id('V'), vin: 'LSVAU21850N218320', make: 'X', model: 'Y', modelYear: 2020 }), 'VALIDATION_FAILED', 'a VIN with a wrong check digit');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { status: 'open' } as never), 'VALIDATION_FAILED', 'a generic record without an id');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: ctx.id('K'), openedAt: 'yesterday' }), 'VALIDATION_FAILED', 'a declared instant that is no instant');
    },
  },
  {
    area: 'bad input',
    name: 'a putMany with one malformed record writes none of them and names every bad one',
    async run(ctx) {
      const keys = [ctx.id('C'), ctx.id('C'), ctx.id('C')];
      const error = await rejects(
        ctx.storage.putMany(ctx.tenant, 'customers', [
          { record: customerInput(keys[0]!) },
          { record: customerInput(keys[1]!, { kind: 'alien' }) },
          { record: customerInput(keys[2]!, { createdAt: 'not a date' }) },
        ]),
        'VALIDATION_FAILED',
        'a batch with two malformed records',
      );
      namesPath(error, 'writes[1].record.kind', 'the first bad record');
      namesPath(error, 'writes[2].record.createdAt', 'the second bad record');
      for (const key of keys) await nothingStored(ctx, 'customers', key, 'no record of the batch was written');
      await rejects(
        ctx.storage.putMany(ctx.tenant, 'customers', [{ record: customerInput(keys[0]!) }, { record: customerInput(keys[0]!) }]),
        'VALIDATION_FAILED',
        'a batch that names one id twice',
      );
      await nothingStored(ctx, 'customers', keys[0]!, 'a batch with a repeated id writes nothing');
    },
  },
  {
    area: 'bad input',
    name: 'a malformed payload is a ValidationError and appends nothing',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      const error = await rejects(
        storage.append(tenant, 'audit_log', stream, [{ action: 'ok', at: '2024-05-01T09:00:00+08:00' }, { action: 'no time' }]),
        'VALIDATION_FAILED',
        'an audit entry without its time',
      );
      namesPath(error, 'payloads[1].at', 'the error names the payload');
      await rejects(storage.append(tenant, 'audit_log', stream, []), 'VALIDATION_FAILED', 'an append of nothing');
      await rejects(storage.append(tenant, 'outbox', stream, [{ type: 'x', occurredAt: 5 }]), 'VALIDATION_FAILED', 'an outbox event with a number as its time');
      await rejects(storage.append(tenant, 'audit_log', stream, [{ action: 'a', at: '2024-05-01T09:00:00Z' }], { idempotencyKey: '' }), 'VALIDATION_FAILED', 'an empty idempotency key');
      await rejects(storage.append(tenant, 'audit_log', stream, [{ action: 'a', at: '2024-05-01T09:00:00Z' }], { expectedVersion: -1 }), 'VALIDATION_FAILED', 'a negative expected version');
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 0, 'nothing was appended');
    },
  },
  {
    area: 'bad input',
    name: 'invalid tenant ids, ids, versions, limits and options are ValidationErrors',
    async run({ storage, tenant, id }) {
      const key = id('C');
      const record = customerInput(key);
      for (const bad of ['', ' padded', 'tab\there', 'x'.repeat(129), 42 as unknown as string]) {
        const error = await rejects(storage.get(bad, 'customers', key), 'VALIDATION_FAILED', `tenant id ${JSON.stringify(bad)}`);
        namesPath(error, 'tenantId', 'the error names the tenant id');
        await rejects(storage.put(bad, 'customers', record), 'VALIDATION_FAILED', `a put for tenant ${JSON.stringify(bad)}`);
      }
      await rejects(storage.get(tenant, 'customers', ''), 'VALIDATION_FAILED', 'an empty id');
      await rejects(storage.getMany(tenant, 'customers', []), 'VALIDATION_FAILED', 'getMany of no ids');
      await rejects(storage.put(tenant, 'customers', record, { expectedVersion: 1.5 }), 'VALIDATION_FAILED', 'a fractional version');
      await rejects(storage.delete(tenant, 'customers', key, { expectedVersion: 0 }), 'VALIDATION_FAILED', 'a delete expecting version 0');
      await rejects(storage.put(tenant, 'customers', record, { expectdVersion: 1 } as never), 'VALIDATION_FAILED', 'a misspelt option');
      await rejects(storage.query(tenant, 'customers', { limit: 0 }), 'VALIDATION_FAILED', 'a page of zero records');
      await rejects(storage.query(tenant, 'customers', { limit: 1001 }), 'VALIDATION_FAILED', 'a page over the maximum');
      await rejects(storage.readStream(tenant, 'audit_log', 'S', { fromPosition: 0 }), 'VALIDATION_FAILED', 'a stream position below 1');
      await rejects(storage.getMany(tenant, 'customers', Array.from({ length: 1001 }, (_, i) => `id-${i}`)), 'VALIDATION_FAILED', 'getMany of more than 1000 ids');
      equal(await storage.get(tenant, 'customers', key), null, 'none of these wrote anything');
    },
  },
  {
    area: 'bad input',
    name: 'text with a lone surrogate or a NUL character, and values JSON cannot hold, are refused',
    async run(ctx) {
      const key = ctx.id('C');
      const surrogate = await rejects(ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { name: 'bad \ud842 half' })), 'VALIDATION_FAILED', 'a lone surrogate');
      namesPath(surrogate, 'name', 'the error names the field');
      await rejects(ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { metadata: { note: 'nul\u0000inside' } })), 'VALIDATION_FAILED', 'a NUL character');
      await rejects(ctx.storage.put(ctx.tenant, 'customers', customerInput(key, { metadata: { ['key\u0000']: 1 } })), 'VALIDATION_FAILED', 'a NUL in a property name');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: key, notes: { at: new Date() } }), 'VALIDATION_FAILED', 'a Date in free JSON of a generic record');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: key, score: Number.NaN }), 'VALIDATION_FAILED', 'NaN');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: key, data: new Map() }), 'VALIDATION_FAILED', 'a Map');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', JSON.parse(`{"id":"${key}","note":{"__proto__":{"admin":true}}}`)), 'VALIDATION_FAILED', 'a __proto__ property');
      await nothingStored(ctx, 'customers', key, 'nothing was written');
      await nothingStored(ctx, 'complaints', key, 'nothing was written');
    },
  },
  {
    area: 'bad input',
    name: 'an indexed string longer than 256 characters or a record over 1 MiB is refused',
    async run(ctx) {
      const key = ctx.id('K');
      const error = await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: key, status: 's'.repeat(257) }), 'VALIDATION_FAILED', 'a 257-character indexed string');
      namesPath(error, 'status', 'the error names the indexed field');
      await rejects(ctx.storage.put(ctx.tenant, 'complaints', { id: key, blob: '界'.repeat(400_000) }), 'VALIDATION_FAILED', '1.2 MB of text (400,000 × 3 UTF-8 bytes)');
      await nothingStored(ctx, 'complaints', key, 'nothing was written');
      const fits = await ctx.storage.put(ctx.tenant, 'complaints', { id: key, status: 's'.repeat(256), blob: '界'.repeat(300_000) });
      check(fits.version === 1 && fits.record.blob === '界'.repeat(300_000), 'a 256-character index and 900 kB of text fit');
      check(!(error instanceof ValidationError) || error.issues.length > 0, 'a ValidationError lists its issues');
    },
  },
];
