import { z } from 'zod';
import { CalendarDateSchema, IdSchema, InstantSchema, MetadataSchema } from '../core/index.js';
import type { LoyaltyProgram } from './program.js';

/**
 * A manual tier override, set by staff with a reason: from `from` until
 * `until` (open-ended when absent) the member holds `tierId` exactly
 * (`fixed`) or at least (`floor`, the default — a guaranteed tier that the
 * member can still earn past). The latest override in force wins.
 */
export const LoyaltyTierOverrideSchema = z
  .strictObject({
    tierId: IdSchema,
    mode: z.enum(['fixed', 'floor']).default('floor'),
    from: InstantSchema,
    until: InstantSchema.optional(),
    reason: z.string().trim().min(1, { error: 'an override needs a reason' }).max(500),
    actor: IdSchema,
  })
  .refine((override) => override.until === undefined || override.until.getTime() > override.from.getTime(), {
    error: 'an override must end after it starts',
    path: ['until'],
  });

/**
 * A member of a loyalty program: the customer, when they joined (events
 * dated earlier are refused), their birthday for the birthday bonus, their
 * household for pooling, and manual tier overrides.
 *
 * @example
 * ```ts
 * const member = parse(LoyaltyMemberSchema, {
 *   id: 'M-1', programId: 'default', customerId: 'C-1',
 *   joinedAt: '2024-01-05T10:00:00+08:00', birthday: '1990-06-12',
 * });
 * ```
 */
export const LoyaltyMemberSchema = z.strictObject({
  id: IdSchema,
  programId: IdSchema,
  /** The customer (see the customer module) whose transactions earn for this member. */
  customerId: IdSchema,
  joinedAt: InstantSchema,
  birthday: CalendarDateSchema.optional(),
  /** The household the member belongs to; pooled programs keep one ledger per household. */
  householdId: IdSchema.optional(),
  tierOverrides: z.array(LoyaltyTierOverrideSchema).default([]),
  metadata: MetadataSchema.optional(),
});

/** A loyalty member; see {@link LoyaltyMemberSchema}. */
export type LoyaltyMember = z.output<typeof LoyaltyMemberSchema>;
/** A loyalty member as accepted on input (instants may be ISO strings). */
export type LoyaltyMemberInput = z.input<typeof LoyaltyMemberSchema>;
/** A manual tier override; see {@link LoyaltyTierOverrideSchema}. */
export type LoyaltyTierOverride = z.output<typeof LoyaltyTierOverrideSchema>;

/**
 * The id of the ledger (the append-only stream) a member's entries go to:
 * `household:<householdId>` when the program pools points by household and
 * the member has one, else `member:<memberId>`.
 *
 * @example
 * ```ts
 * loyaltyAccountId(program, { id: 'M-1', householdId: 'H-7' }); // 'member:M-1' unless points are pooled
 * ```
 */
export function loyaltyAccountId(program: LoyaltyProgram, member: { readonly id: string; readonly householdId?: string | undefined }): string {
  return program.pooling.points === 'household' && member.householdId !== undefined ? `household:${member.householdId}` : `member:${member.id}`;
}
