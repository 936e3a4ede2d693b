import { z } from 'zod';
import { IdSchema, InstantSchema, ValidationError } from '../../core/index.js';
import { isBusinessDay } from '../../complaints/index.js';
import {
  ConsentPurposeSchema,
  ContactChannelSchema,
  canContact,
  type Address,
  type ContactChannel,
  type ContactDecisionReason,
  type ContactPointKind,
  type Customer,
} from '../../customer/index.js';
import { defaultAbcCadences, defineContactCadences, planContacts, type ContactCadencesInput, type ContactPlan } from '../../segmentation/index.js';
import type { CrmDataVisibility } from '../access-policy.js';
import { openStoredCustomer, requireDealer, seesDealer } from '../customer-records.js';
import { defineMethod, type CrmMethod, type OperationScope } from '../operation.js';
import { maskContactValue } from '../present-customer.js';
import type { CrmRuntime, CrmTx } from '../runtime.js';
import { JOB_PAGE_SIZE, latestInteraction, liveCustomers } from './tenant-scan.js';

const channels = ContactChannelSchema.options;

/**
 * Input of `marketing.contactList`: who may be contacted for a consent
 * purpose on a channel at an instant (default now), optionally only a
 * dealer's customers and a segment written by the jobs. A list built on
 * segments (profiling) is personalised marketing: customers who opted out
 * of `personalised_marketing` are left out (`personalised` defaults to true
 * when a segment is given). Paged with `cursor`.
 */
export const CrmContactListInputSchema = z.strictObject({
  consentPurpose: ConsentPurposeSchema.default('marketing'),
  channel: ContactChannelSchema,
  at: InstantSchema.optional(),
  dealerId: IdSchema.optional(),
  segment: z
    .strictObject({
      pyramidZone: z.string().min(1).max(64).optional(),
      abcClass: z.string().min(1).max(8).optional(),
      rfmSegment: z.string().min(1).max(64).optional(),
      churnBand: z.enum(['low', 'medium', 'high']).optional(),
    })
    .optional(),
  personalised: z.boolean().optional(),
  limit: z.number().int().min(1).max(1000).default(200),
  cursor: z.string().min(1).max(4096).nullable().optional(),
});

/**
 * Input of `marketing.contactPlan`: one dealer's contact plan from the
 * segments the segmentation job wrote — ABC classes with the dealer
 * practice's cadences by default, or pyramid zones with cadences given —
 * skipping customers without consent for the purpose on the segment's
 * channel; due days move to the dealer's next working day (its calendar).
 */
export const CrmContactPlanInputSchema = z
  .strictObject({
    dealerId: IdSchema,
    scheme: z.enum(['abc', 'pyramid']).default('abc'),
    cadences: z.record(z.string(), z.unknown()).optional(),
    consentPurpose: ConsentPurposeSchema.default('marketing'),
    asOf: InstantSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.scheme === 'pyramid' && input.cadences === undefined) ctx.addIssue({ code: 'custom', path: ['cadences'], message: 'a pyramid plan needs cadences for the zones' });
    if (input.cadences !== undefined) {
      try {
        defineContactCadences(input.cadences as ContactCadencesInput);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues) ctx.addIssue({ code: 'custom', path: ['cadences', ...(issue.path === '' ? [] : issue.path.split('.'))], message: issue.message });
      }
    }
  });

/** Input of `marketing.contactList`, as accepted. */
export type CrmContactListInput = z.input<typeof CrmContactListInputSchema>;
/** Input of `marketing.contactPlan`, as accepted. */
export type CrmContactPlanInput = z.input<typeof CrmContactPlanInputSchema>;

/** One customer on a contact list: the contact point to use (its value as the actor may see it) and the consent that allows it. */
export interface CrmContact {
  readonly customerId: string;
  readonly dealerId: string;
  readonly channel: ContactChannel;
  readonly contactPointKind: ContactPointKind;
  /** The value to contact (full, masked or absent per visibility). */
  readonly value?: string | Address;
  /** When the consent in force was given. */
  readonly consentGivenAt: Date;
}

/** Why a candidate is not on the list: a consent reason of `canContact`, or an opt-out of personalised marketing. */
export type CrmContactExclusion = Exclude<ContactDecisionReason, 'consent_in_force'> | 'personalised_opt_out';

/** A page of a contact list. */
export interface CrmContactList {
  readonly at: Date;
  readonly visibility: CrmDataVisibility;
  readonly contacts: readonly CrmContact[];
  /** Candidates of this page left out, by reason. */
  readonly excluded: Readonly<Partial<Record<CrmContactExclusion, number>>>;
  /** Pass as `cursor` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

/** The marketing service of the facade. */
export interface CrmMarketingService {
  /** A consent-checked contact list. Needs `marketing.list`. */
  readonly contactList: CrmMethod<CrmContactListInput, CrmContactList>;
  /** A dealer's contact plan from its segments. Needs `marketing.list`. */
  readonly contactPlan: CrmMethod<CrmContactPlanInput, ContactPlan>;
}

/** Whether a customer opted out of personalised marketing on any channel (PIPL art. 24). Internal to the facade. */
export function optedOutOfPersonalisedMarketing(customer: Customer, at: Date): boolean {
  return channels.some((channel) => canContact(customer, { purpose: 'personalised_marketing', channel, at }).reason === 'consent_withdrawn');
}

async function candidatePage(scope: OperationScope<z.output<typeof CrmContactListInputSchema>>, tx: CrmTx, dealerId: string | undefined) {
  const { input, tenantId } = scope;
  const { churnBand, ...named } = input.segment ?? {};
  const segments = Object.fromEntries(Object.entries(named).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cursor = input.cursor ?? null;
  const dealer = dealerId === undefined ? {} : { dealerId };
  if (Object.keys(segments).length > 0) {
    const page = await tx.query(tenantId, 'customer_segments', { where: { ...segments, ...dealer }, limit: input.limit, cursor });
    let ids = page.items.map((item) => item.record.customerId);
    if (churnBand !== undefined && ids.length > 0) {
      const scores = await tx.getMany(tenantId, 'customer_retention', ids);
      ids = ids.filter((_, index) => scores[index]?.record.churnBand === churnBand);
    }
    return { ids, nextCursor: page.nextCursor };
  }
  if (churnBand !== undefined) {
    const page = await tx.query(tenantId, 'customer_retention', { where: { churnBand, ...dealer }, limit: input.limit, cursor });
    return { ids: page.items.map((item) => item.record.customerId), nextCursor: page.nextCursor };
  }
  const page = await tx.query(tenantId, 'customers', { where: dealer, limit: input.limit, cursor });
  return { ids: page.items.map((item) => item.record.id), nextCursor: page.nextCursor };
}

/** The marketing methods of a facade. Internal to the facade. */
export function createMarketingService(rt: CrmRuntime): CrmMarketingService {
  return {
    contactList: defineMethod(rt, {
      name: 'marketing.contactList',
      permission: 'marketing.list',
      input: CrmContactListInputSchema,
      write: false,
      event: 'crm.marketing.list_built',
      async run(scope) {
        const { tx, input, tenantId, visibility } = scope;
        const at = input.at ?? scope.now;
        if (input.dealerId !== undefined) requireDealer(scope, input.dealerId, `the customers of dealer ${input.dealerId}`);
        const dealerId = scope.role.scope === 'dealer' ? scope.context.actor.dealerId : input.dealerId;
        const personalised = input.personalised ?? input.segment !== undefined;
        const page = await candidatePage(scope, tx, dealerId);
        const found = page.ids.length === 0 ? [] : await tx.getMany(tenantId, 'customers', page.ids);
        const contacts: CrmContact[] = [];
        const excluded: Partial<Record<CrmContactExclusion, number>> = {};
        const exclude = (reason: CrmContactExclusion) => (excluded[reason] = (excluded[reason] ?? 0) + 1);
        for (const item of found) {
          if (item === null || item.record.erasedAt !== undefined || item.record.mergedInto !== undefined || !seesDealer(scope, item.record.dealerId)) continue;
          const customer = await openStoredCustomer(scope, tx, item.record);
          const decision = canContact(customer, { purpose: input.consentPurpose, channel: input.channel, at });
          if (!decision.allowed || decision.contactPoint === undefined || decision.consent === undefined) {
            if (decision.reason !== 'consent_in_force') exclude(decision.reason);
            continue;
          }
          if (personalised && optedOutOfPersonalisedMarketing(customer, at)) {
            exclude('personalised_opt_out');
            continue;
          }
          const point = decision.contactPoint;
          const value = visibility === 'full' ? point.value : visibility === 'masked' ? maskContactValue(point.kind, point.value) : undefined;
          contacts.push({
            customerId: customer.id,
            dealerId: customer.dealerId,
            channel: input.channel,
            contactPointKind: point.kind,
            ...(value === undefined ? {} : { value }),
            consentGivenAt: decision.consent.at,
          });
        }
        const answer: CrmContactList = { at, visibility, contacts, excluded, nextCursor: page.nextCursor };
        const customerIds = contacts.map((contact) => contact.customerId);
        return {
          answer,
          audit: {
            customerIds,
            fields: visibility === 'none' ? [] : [...new Set(contacts.map((contact) => contact.contactPointKind))],
            visibility,
            details: { channel: input.channel, consentPurpose: input.consentPurpose, personalised, candidates: page.ids.length, excluded },
          },
          event: { channel: input.channel, consentPurpose: input.consentPurpose, contacts: contacts.length, excluded },
        };
      },
    }),

    contactPlan: defineMethod(rt, {
      name: 'marketing.contactPlan',
      permission: 'marketing.list',
      input: CrmContactPlanInputSchema,
      write: false,
      event: 'crm.marketing.plan_built',
      // Reads the dealer's segments, customers and interactions with scans, outside the transaction.
      async prepare(scope) {
        const { input, tenantId } = scope;
        requireDealer(scope, input.dealerId, `the customers of dealer ${input.dealerId}`);
        const asOf = input.asOf ?? scope.now;
        const cadences = (input.cadences as ContactCadencesInput | undefined) ?? defaultAbcCadences;
        const segments = new Map<string, string>();
        for await (const { record } of rt.storage.scan(tenantId, 'customer_segments', { where: { dealerId: input.dealerId }, pageSize: JOB_PAGE_SIZE })) {
          segments.set(record.customerId, input.scheme === 'abc' ? record.abcClass : record.pyramidZone);
        }
        const customers = new Map<string, Customer>();
        const lastContacts: { customerId: string; at: Date }[] = [];
        for await (const stored of liveCustomers(rt, tenantId, input.dealerId)) {
          if (!segments.has(stored.id)) continue;
          customers.set(stored.id, await openStoredCustomer(scope, rt.storage, stored));
          const last = await latestInteraction(rt, tenantId, stored, asOf, (interaction) => interaction.direction === 'outbound');
          if (last !== null) lastContacts.push({ customerId: stored.id, at: last.at });
        }
        const calendar = rt.calendars.get(input.dealerId) ?? rt.calendars.get('default');
        const assignments = [...segments].filter(([customerId]) => customers.has(customerId)).map(([customerId, segment]) => ({ customerId, segment }));
        return planContacts(assignments, cadences, {
          asOf,
          lastContacts,
          ...(calendar === undefined ? {} : { timeZone: calendar.timeZone, isWorkingDay: (day: string) => isBusinessDay(calendar, day) }),
          canContact: (customerId, channel, at) => canContact(customers.get(customerId)!, { purpose: input.consentPurpose, channel, at }).allowed,
        });
      },
      async run(scope) {
        const { input, prepared: answer } = scope;
        return {
          answer,
          audit: { details: { dealerId: input.dealerId, scheme: input.scheme, planned: answer.contacts.length, skipped: answer.skipped.length } },
          event: { dealerId: input.dealerId, planned: answer.contacts.length },
        };
      },
    }),
  };
}
