import { z } from 'zod';
import { CurrencyCodeSchema, IdSchema, InstantSchema, MetadataSchema, NonNegativeMinorUnitsSchema } from '../../core/index.js';
import { CustomerSourceSchema } from './customer.js';

/** A salesperson's answer to one AWARE question: yes, partly, no, or not yet known. */
export const AwareAnswerSchema = z.enum(['yes', 'partly', 'no', 'unknown']);

/**
 * AWARE prospect qualification: can the prospect pay (`ability`), do they want
 * the car (`want`), may they decide (`authority`), are their expectations
 * reasonable (`reasonable`), and are they eligible (licence, purchase quota,
 * plate lottery, finance approval: `eligible`). Unanswered questions are `unknown`.
 */
export const AwareAnswersSchema = z.strictObject({
  ability: AwareAnswerSchema.default('unknown'),
  want: AwareAnswerSchema.default('unknown'),
  authority: AwareAnswerSchema.default('unknown'),
  reasonable: AwareAnswerSchema.default('unknown'),
  eligible: AwareAnswerSchema.default('unknown'),
});

/** The stages of a sales lead, from first contact to won or lost. */
export const LeadStageSchema = z.enum(['new', 'contacted', 'qualified', 'test_drive', 'negotiation', 'won', 'lost']);

/** A sales lead: a prospect's interest in a vehicle, its stage and its AWARE answers. */
export const LeadSchema = z
  .strictObject({
    id: IdSchema,
    /** The prospect's customer record, once there is one. */
    customerId: IdSchema.optional(),
    dealerId: IdSchema,
    source: CustomerSourceSchema,
    interest: z
      .strictObject({
        make: z.string().max(60).optional(),
        model: z.string().max(100).optional(),
        /** The budget the prospect named, in minor units of `currency`. */
        budgetMinor: NonNegativeMinorUnitsSchema.optional(),
        currency: CurrencyCodeSchema.optional(),
        /** When the prospect means to buy. */
        timeframe: z.enum(['now', 'within_1_month', 'within_3_months', 'within_6_months', 'later', 'unknown']).default('unknown'),
        /** Whether a used car is to be traded in. */
        tradeIn: z.boolean().optional(),
        /** Whether the purchase is to be financed. */
        financing: z.boolean().optional(),
      })
      .refine((interest) => interest.budgetMinor === undefined || interest.currency !== undefined, {
        path: ['currency'],
        error: 'a budget needs its currency',
      })
      .default({ timeframe: 'unknown' }),
    stage: LeadStageSchema,
    aware: AwareAnswersSchema.default({
      ability: 'unknown',
      want: 'unknown',
      authority: 'unknown',
      reasonable: 'unknown',
      eligible: 'unknown',
    }),
    /** The salesperson who owns the lead. */
    ownerId: IdSchema.optional(),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    metadata: MetadataSchema.optional(),
  })
  .refine((lead) => lead.updatedAt.getTime() >= lead.createdAt.getTime(), {
    path: ['updatedAt'],
    error: 'updatedAt is before createdAt',
  });

/** A sales lead; see {@link LeadSchema}. */
export type Lead = z.output<typeof LeadSchema>;
/** A lead as accepted on input. */
export type LeadInput = z.input<typeof LeadSchema>;
/** One AWARE answer. */
export type AwareAnswer = z.infer<typeof AwareAnswerSchema>;
/** The five AWARE answers of a lead. */
export type AwareAnswers = z.output<typeof AwareAnswersSchema>;
/** The stage of a lead. */
export type LeadStage = z.infer<typeof LeadStageSchema>;
