import { z } from 'zod';
import { CrmError, IdSchema } from '../../core/index.js';
import { OwnershipSchema, VehicleSchema, type Ownership, type Vehicle } from '../../customer/index.js';
import { checkLive, requireStoredCustomer } from '../customer-records.js';
import { defineMethod, staleRequest, type CrmMethod } from '../operation.js';
import { queryAll } from '../reads.js';
import type { CrmRuntime } from '../runtime.js';

/** Input of `vehicles.upsert`: the vehicle (VIN validated) and optionally the version it must be at (0: create only). */
export const CrmUpsertVehicleInputSchema = z.strictObject({ idempotencyKey: IdSchema, vehicle: VehicleSchema, expectedVersion: z.number().int().min(0).optional() });
/**
 * Input of `vehicles.recordOwnership`: a customer's role for a vehicle from
 * an instant. A new `owner` ends the vehicle's other current owners at that
 * instant (a used car changes hands) unless `endCurrentOwners` is false.
 */
export const CrmRecordOwnershipInputSchema = z.strictObject({ idempotencyKey: IdSchema, ownership: OwnershipSchema, endCurrentOwners: z.boolean().default(true) });
/** Input of `vehicles.get`. */
export const CrmGetVehicleInputSchema = z.strictObject({ vehicleId: IdSchema });

/** Input of `vehicles.upsert`, as accepted. */
export type CrmUpsertVehicleInput = z.input<typeof CrmUpsertVehicleInputSchema>;
/** Input of `vehicles.recordOwnership`, as accepted. */
export type CrmRecordOwnershipInput = z.input<typeof CrmRecordOwnershipInputSchema>;
/** Input of `vehicles.get`, as accepted. */
export type CrmGetVehicleInput = z.input<typeof CrmGetVehicleInputSchema>;

/** What a vehicle write returns. */
export interface CrmVehicleWriteAnswer {
  readonly vehicleId: string;
  readonly version: number;
  readonly created: boolean;
}

/** What recording an ownership returns. */
export interface CrmOwnershipAnswer {
  readonly ownershipId: string;
  /** Ownerships of earlier owners that this one ended. */
  readonly endedOwnershipIds: readonly string[];
}

/** A vehicle with its ownerships (customer ids, roles and periods). */
export interface CrmVehicleRecord {
  readonly vehicle: Vehicle;
  readonly version: number;
  readonly ownerships: readonly Ownership[];
}

/** The vehicle service of the facade. */
export interface CrmVehicleService {
  /** Creates or replaces a vehicle. Needs `vehicles.write`. */
  readonly upsert: CrmMethod<CrmUpsertVehicleInput, CrmVehicleWriteAnswer>;
  /** Links a customer to a vehicle in a role from an instant. Needs `vehicles.write`. */
  readonly recordOwnership: CrmMethod<CrmRecordOwnershipInput, CrmOwnershipAnswer>;
  /** A vehicle and its ownerships. Needs `vehicles.read`. */
  readonly get: CrmMethod<CrmGetVehicleInput, CrmVehicleRecord>;
}

/** The vehicle methods of a facade. Internal to the facade. */
export function createVehicleService(rt: CrmRuntime): CrmVehicleService {
  return {
    upsert: defineMethod(rt, {
      name: 'vehicles.upsert',
      permission: 'vehicles.write',
      input: CrmUpsertVehicleInputSchema,
      write: true,
      event: 'crm.vehicle.upserted',
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const existing = await tx.get(tenantId, 'vehicles', input.vehicle.id);
        const current = existing?.version ?? 0;
        if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
          throw staleRequest(`vehicle ${input.vehicle.id} is at version ${current}, not ${input.expectedVersion}; nothing was written`, {
            collection: 'vehicles',
            id: input.vehicle.id,
            expectedVersion: input.expectedVersion,
            actualVersion: existing === null ? null : current,
          });
        }
        const written = await tx.put(tenantId, 'vehicles', input.vehicle, { expectedVersion: current });
        const answer: CrmVehicleWriteAnswer = { vehicleId: input.vehicle.id, version: written.version, created: existing === null };
        return { answer, audit: { details: { vehicleId: input.vehicle.id } }, event: { ...answer, vin: input.vehicle.vin } };
      },
    }),

    recordOwnership: defineMethod(rt, {
      name: 'vehicles.recordOwnership',
      permission: 'vehicles.write',
      input: CrmRecordOwnershipInputSchema,
      write: true,
      event: 'crm.vehicle.ownership_recorded',
      customerIdsOf: (input) => [input.ownership.customerId],
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const ownership = input.ownership;
        const customer = await requireStoredCustomer(scope, tx, ownership.customerId);
        checkLive(customer.record);
        if ((await tx.get(tenantId, 'vehicles', ownership.vehicleId)) === null) {
          throw new CrmError('NOT_FOUND', `vehicle ${ownership.vehicleId} does not exist; record it with vehicles.upsert first`, { details: { vehicleId: ownership.vehicleId } });
        }
        const existing = await tx.get(tenantId, 'ownerships', ownership.id);
        if (existing !== null) {
          throw staleRequest(`ownership ${ownership.id} already exists; nothing was written`, { collection: 'ownerships', id: ownership.id, expectedVersion: 0, actualVersion: existing.version });
        }
        const ended: Ownership[] = [];
        if (ownership.role === 'owner' && input.endCurrentOwners) {
          const from = ownership.from.getTime();
          for (const { record, version } of await queryAll(tx, tenantId, 'ownerships', { vehicleId: ownership.vehicleId, role: 'owner' })) {
            const current = record.from.getTime() <= from && (record.to === undefined || record.to.getTime() > from);
            if (!current || record.id === ownership.id || record.customerId === ownership.customerId) continue;
            await tx.put(tenantId, 'ownerships', { ...record, to: ownership.from }, { expectedVersion: version });
            ended.push(record);
          }
        }
        await tx.put(tenantId, 'ownerships', ownership, { expectedVersion: 0 });
        const answer: CrmOwnershipAnswer = { ownershipId: ownership.id, endedOwnershipIds: ended.map((record) => record.id) };
        return {
          answer,
          audit: { customerIds: [ownership.customerId, ...ended.map((record) => record.customerId)], details: { vehicleId: ownership.vehicleId, role: ownership.role } },
          event: { ...answer, vehicleId: ownership.vehicleId, customerId: ownership.customerId, role: ownership.role },
        };
      },
    }),

    get: defineMethod(rt, {
      name: 'vehicles.get',
      permission: 'vehicles.read',
      input: CrmGetVehicleInputSchema,
      write: false,
      event: 'crm.vehicle.viewed',
      async run(scope) {
        const { tx, input, tenantId } = scope;
        const found = await tx.get(tenantId, 'vehicles', input.vehicleId);
        if (found === null) throw new CrmError('NOT_FOUND', `vehicle ${input.vehicleId} does not exist`, { details: { vehicleId: input.vehicleId } });
        const ownerships = (await queryAll(tx, tenantId, 'ownerships', { vehicleId: input.vehicleId })).map((item) => item.record);
        const answer: CrmVehicleRecord = { vehicle: found.record, version: found.version, ownerships };
        return { answer, audit: { details: { vehicleId: input.vehicleId } }, event: { vehicleId: input.vehicleId } };
      },
    }),
  };
}
