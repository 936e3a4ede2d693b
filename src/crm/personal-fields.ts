import { z } from 'zod';

/**
 * The personal data the facade can encrypt before it reaches storage:
 * - customer fields `name`, `familyName`, `givenName`, `gender`, `birthday`,
 *   `idNumber`, `organisationCode`, `metadata`;
 * - contact point values by kind: `mobile`, `phone`, `email`, `wechat`, `address`;
 * - free text: `interactionNotes` (notes of interactions) and `complaintText`
 *   (a case's subject and the notes, reasons and resolutions of its events),
 *   kept in records apart from the append-only streams so that they can be
 *   erased and re-encrypted.
 */
export const crmPersonalFields = Object.freeze([
  'name',
  'familyName',
  'givenName',
  'gender',
  'birthday',
  'idNumber',
  'organisationCode',
  'metadata',
  'mobile',
  'phone',
  'email',
  'wechat',
  'address',
  'interactionNotes',
  'complaintText',
] as const);

/** A personal field the facade can encrypt; see {@link crmPersonalFields}. */
export type CrmPersonalField = (typeof crmPersonalFields)[number];

/** A personal field, validated; see {@link crmPersonalFields}. */
export const CrmPersonalFieldSchema = z.enum(crmPersonalFields);

/**
 * The fields encrypted by default: names, birthday, identity number, every
 * contact value, metadata and free text. `gender` and `organisationCode` (a
 * company's registration code) stay in clear unless configured.
 */
export const defaultCrmEncryptedFields: readonly CrmPersonalField[] = Object.freeze(crmPersonalFields.filter((field) => field !== 'gender' && field !== 'organisationCode'));

/** The customer's top-level personal fields, in the order they are sealed and reported. @internal */
export const topLevelPersonalFields = Object.freeze(['name', 'familyName', 'givenName', 'gender', 'birthday', 'idNumber', 'organisationCode', 'metadata'] as const);

/** A top-level personal field of a customer. @internal */
export type TopLevelPersonalField = (typeof topLevelPersonalFields)[number];

/** The contact point kinds, each a personal field of its own. @internal */
export const contactPersonalFields = Object.freeze(['mobile', 'phone', 'email', 'wechat', 'address'] as const);
