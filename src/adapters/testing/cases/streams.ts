import type { StreamPage } from '../../storage.js';
import type { AuditLogPayload } from '../../stream-kinds.js';
import { check, equal, namesPath, rejects } from '../assert.js';
import { interactionInput, repairOrderInput } from '../fixtures.js';
import type { ConformanceCase } from '../types.js';

const audit = (action: string, minute = 0) => ({ action, at: `2024-05-01T09:${String(minute).padStart(2, '0')}:00+08:00` });

/** Append-only streams: positions, versions, reads. */
export const streamCases: ConformanceCase[] = [
  {
    area: 'streams',
    name: 'an unknown stream is empty at version 0',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 0, 'the version of a stream never appended to');
      const page = await storage.readStream(tenant, 'audit_log', stream);
      equal([page.entries, page.version, page.nextPosition], [[], 0, null], 'reading it gives no entries');
    },
  },
  {
    area: 'streams',
    name: 'appends get contiguous positions from 1 and readStream returns them from any position',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      const first = await storage.append(tenant, 'audit_log', stream, [audit('a', 1), audit('b', 2)]);
      const second = await storage.append(tenant, 'audit_log', stream, [audit('c', 3)]);
      equal(
        first.entries.map((entry) => entry.position),
        [1, 2],
        'the first append starts at position 1',
      );
      equal([first.version, first.replayed, second.version], [2, false, 3], 'the version after each append');
      equal(second.entries[0]?.position, 3, 'the next append continues without a gap');
      const page = await storage.readStream(tenant, 'audit_log', stream, { fromPosition: 2 });
      equal(
        page.entries.map((entry) => [entry.position, entry.payload.action, entry.streamId, entry.idempotencyKey]),
        [
          [2, 'b', stream, null],
          [3, 'c', stream, null],
        ],
        'readStream from position 2',
      );
      equal(page.entries[0]?.payload.at, new Date('2024-05-01T01:02:00.000Z'), 'payload instants come back as Dates');
      equal((await storage.readStream(tenant, 'audit_log', stream, { fromPosition: 9 })).entries, [], 'reading past the end gives nothing');
    },
  },
  {
    area: 'streams',
    name: 'readStream pages carry nextPosition until the end',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      await storage.append(tenant, 'audit_log', stream, Array.from({ length: 7 }, (_, i) => audit(`e${i}`, i)));
      const pages: number[][] = [];
      let position: number | null = 1;
      while (position !== null) {
        const page: StreamPage<AuditLogPayload> = await storage.readStream(tenant, 'audit_log', stream, { fromPosition: position, limit: 3 });
        equal(page.version, 7, 'each page reports the stream version');
        pages.push(page.entries.map((entry) => entry.position));
        position = page.nextPosition;
      }
      equal(pages, [[1, 2, 3], [4, 5, 6], [7]], 'pages of three');
    },
  },
  {
    area: 'streams',
    name: 'a conditional append at the current version succeeds and a stale one is a VERSION_CONFLICT that appends nothing',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      await storage.append(tenant, 'audit_log', stream, [audit('a')]);
      const next = await storage.append(tenant, 'audit_log', stream, [audit('b')], { expectedVersion: 1 });
      equal(next.version, 2, 'an append at the current version');
      const error = await rejects(storage.append(tenant, 'audit_log', stream, [audit('c')], { expectedVersion: 1 }), 'VERSION_CONFLICT', 'a stale conditional append');
      equal(error.details, { kind: 'audit_log', streamId: stream, expectedVersion: 1, actualVersion: 2 }, 'the conflict details');
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 2, 'nothing was appended');
    },
  },
  {
    area: 'streams',
    name: 'expectedVersion 0 appends only to an empty stream',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      equal((await storage.append(tenant, 'audit_log', stream, [audit('a')], { expectedVersion: 0 })).version, 1, 'the first append to an empty stream');
      await rejects(storage.append(tenant, 'audit_log', stream, [audit('b')], { expectedVersion: 0 }), 'VERSION_CONFLICT', 'a second append expecting an empty stream');
    },
  },
  {
    area: 'streams',
    name: 'streams of different kinds and ids are independent',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      await storage.append(tenant, 'audit_log', stream, [audit('a'), audit('b')]);
      await storage.append(tenant, 'complaint_events', stream, [{ type: 'opened', at: '2024-05-01T09:00:00+08:00' }]);
      await storage.append(tenant, 'audit_log', id('S'), [audit('c')]);
      equal(await storage.streamVersion(tenant, 'audit_log', stream), 2, 'the audit stream');
      equal(await storage.streamVersion(tenant, 'complaint_events', stream), 1, 'a stream of another kind with the same id');
    },
  },
  {
    area: 'streams',
    name: 'interactions and transactions must name the customer of their stream',
    async run({ storage, tenant, id }) {
      const customer = id('C');
      await storage.append(tenant, 'interactions', customer, [interactionInput(id('I'), customer)]);
      await storage.append(tenant, 'transactions', customer, [repairOrderInput(id('RO'), customer)]);
      const wrong = await rejects(storage.append(tenant, 'interactions', customer, [interactionInput(id('I'), id('C'))]), 'VALIDATION_FAILED', 'an interaction of another customer');
      namesPath(wrong, 'payloads[0].customerId', 'the error names the customerId');
      equal(await storage.streamVersion(tenant, 'interactions', customer), 1, 'the wrong interaction was not appended');
    },
  },
  {
    area: 'streams',
    name: 'iterateStream returns every entry of a long stream in order',
    async run({ storage, tenant, id }) {
      const stream = id('S');
      for (let batch = 0; batch < 5; batch++) {
        await storage.append(tenant, 'audit_log', stream, Array.from({ length: 100 }, (_, i) => audit(`e${batch * 100 + i}`)));
      }
      const positions: number[] = [];
      for await (const entry of storage.iterateStream(tenant, 'audit_log', stream, { pageSize: 33 })) {
        check(entry.payload.action === `e${entry.position - 1}`, `entry ${entry.position} holds its own payload`);
        positions.push(entry.position);
      }
      equal(positions, Array.from({ length: 500 }, (_, i) => i + 1), 'every position once, in order');
      const tail: number[] = [];
      for await (const entry of storage.iterateStream(tenant, 'audit_log', stream, { fromPosition: 498 })) tail.push(entry.position);
      equal(tail, [498, 499, 500], 'iterating from a position');
    },
  },
];
