import { z } from 'zod';

// Control characters (C0, DEL, C1) are never part of an id.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * An identifier: a non-empty string of at most 128 characters with no control
 * characters and no leading or trailing white space. The library never
 * interprets ids; DMS record numbers, UUIDs and ULIDs all fit.
 */
export const IdSchema = z
  .string({ error: 'expected an id string' })
  .min(1, { error: 'expected a non-empty id' })
  .max(128, { error: 'expected an id of at most 128 characters' })
  .refine((value) => !CONTROL.test(value) && value.trim() === value, {
    error: 'an id may not contain control characters or leading/trailing spaces',
  });

/** An identifier; see {@link IdSchema}. */
export type Id = string;

/** The id of a tenant: a dealer group, the unit of data isolation. */
export const TenantIdSchema = IdSchema;
