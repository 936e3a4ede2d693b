import { z } from 'zod';
import { IdSchema, InstantSchema } from '../../core/index.js';

/** A customer's role for a vehicle: registered `owner`, regular `driver`, or `lessee`. */
export const OwnershipRoleSchema = z.enum(['owner', 'driver', 'lessee']);

/**
 * A time-bounded link between a customer and a vehicle in a role. A used car
 * changes owner: the old ownership gets a `to`, a new one starts.
 */
export const OwnershipSchema = z
  .strictObject({
    id: IdSchema,
    customerId: IdSchema,
    vehicleId: IdSchema,
    role: OwnershipRoleSchema,
    from: InstantSchema,
    /** When the role ended; absent while it lasts. */
    to: InstantSchema.optional(),
  })
  .refine((ownership) => ownership.to === undefined || ownership.to.getTime() >= ownership.from.getTime(), {
    path: ['to'],
    error: 'ownership ends before it starts',
  });

/** A customer's role for a vehicle over a period; see {@link OwnershipSchema}. */
export type Ownership = z.output<typeof OwnershipSchema>;
/** An ownership as accepted on input. */
export type OwnershipInput = z.input<typeof OwnershipSchema>;
/** A customer's role for a vehicle. */
export type OwnershipRole = z.infer<typeof OwnershipRoleSchema>;
