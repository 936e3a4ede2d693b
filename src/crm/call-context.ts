import { z } from 'zod';
import { IdSchema, TenantIdSchema } from '../core/index.js';
import { CrmAccessNameSchema } from './access-policy.js';

/**
 * Who makes a call: the user's id, the role the access policy gives them,
 * and for dealer-scoped roles the dealer (4S store) they work for.
 */
export const CrmActorSchema = z.strictObject({
  userId: IdSchema,
  role: CrmAccessNameSchema,
  dealerId: IdSchema.optional(),
});

/** Who makes a call; see {@link CrmActorSchema}. */
export type CrmActor = z.output<typeof CrmActorSchema>;

/**
 * What every facade call carries besides its input: the tenant (dealer
 * group) it works in, the actor, and the purpose of processing — one of the
 * purposes the access policy declares and the actor's role may act under.
 *
 * @example
 * ```ts
 * const context = { tenantId: 'group-sh', actor: { userId: 'U-7', role: 'dealer_staff', dealerId: 'D-SH-01' }, purpose: 'after_sales' };
 * ```
 */
export const CrmCallContextSchema = z.strictObject({
  tenantId: TenantIdSchema,
  actor: CrmActorSchema,
  purpose: CrmAccessNameSchema,
});

/** The context of a facade call; see {@link CrmCallContextSchema}. */
export type CrmCallContext = z.output<typeof CrmCallContextSchema>;

/** The context of a facade call as a caller writes it; see {@link CrmCallContextSchema}. */
export type CrmCallContextInput = z.input<typeof CrmCallContextSchema>;
