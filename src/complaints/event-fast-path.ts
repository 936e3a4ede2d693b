import { z } from 'zod';
import { COMPLAINT_SUBJECT_MAX, COMPLAINT_TEXT_MAX, ComplaintEventSchema, ComplaintStatusChangedEventSchema, type ComplaintEvent } from './case-events.js';
import { ComplaintCategorySchema, ComplaintChannelSchema, ComplaintRootCauseSchema, ComplaintSeveritySchema } from './case-taxonomy.js';

// A fast path for the hot loops (evaluateSla over hundreds of thousands of
// cases): an event that is plainly valid — known type, only its own keys,
// instants already Dates, every field inside its rule — is accepted as is;
// anything else (ISO strings to convert, a VIN to normalise, any doubt) goes to
// the zod schema, which parses it or reports the exact issue. The path only
// ever accepts what the schema accepts and returns what the schema would
// (a property test checks this on random events).

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isId(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && !CONTROL.test(value) && value.trim() === value;
}

function isDate(value: unknown): boolean {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function textUpTo(max: number): (value: unknown) => boolean {
  return (value) => typeof value === 'string' && value.length <= max;
}

function oneOf(options: readonly string[]): (value: unknown) => boolean {
  const set = new Set(options);
  return (value) => typeof value === 'string' && set.has(value);
}

/** The check of each field the fast path knows; a field without one (such as `vin`) sends the event to the schema. */
const FIELD_CHECKS: Readonly<Record<string, (value: unknown) => boolean>> = {
  id: isId,
  caseId: isId,
  actorId: isId,
  dealerId: isId,
  customerId: isId,
  at: isDate,
  note: textUpTo(COMPLAINT_TEXT_MAX),
  resolution: textUpTo(COMPLAINT_TEXT_MAX),
  reason: textUpTo(COMPLAINT_TEXT_MAX),
  subject: textUpTo(COMPLAINT_SUBJECT_MAX),
  channel: oneOf(ComplaintChannelSchema.options),
  severity: oneOf(ComplaintSeveritySchema.options),
  category: oneOf(ComplaintCategorySchema.options),
  rootCause: oneOf(ComplaintRootCauseSchema.options),
  to: oneOf(ComplaintStatusChangedEventSchema.shape.to.options),
  score: (value) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5,
};

interface EventShape {
  readonly allowed: ReadonlySet<string>;
  readonly required: readonly string[];
}

/** Each event type's keys, read from the schema itself so that the two cannot drift apart. */
const SHAPES: ReadonlyMap<string, EventShape> = new Map(
  ComplaintEventSchema.options.map((option) => {
    const shape = option.shape as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    return [(shape.type as z.ZodLiteral<string>).value, { allowed: new Set(keys), required: keys.filter((key) => !(shape[key] instanceof z.ZodOptional)) }];
  }),
);

/**
 * The event itself when it is plainly valid, else `undefined` (parse it with
 * {@link ComplaintEventSchema} then). Internal to the module.
 */
export function fastComplaintEvent(value: unknown): ComplaintEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const shape = SHAPES.get(record.type as string);
  if (shape === undefined || Object.getPrototypeOf(record) !== Object.prototype) return undefined;
  const keys = Object.keys(record);
  for (const key of keys) {
    if (key === 'type') continue;
    if (!shape.allowed.has(key)) return undefined;
    const check = FIELD_CHECKS[key];
    if (check === undefined || !check(record[key])) return undefined;
  }
  for (const key of shape.required) if (!(key in record)) return undefined;
  return record as ComplaintEvent;
}
