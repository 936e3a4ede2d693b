import { z } from 'zod';

/** A JSON value: what can be stored as metadata and sent on the wire unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON value: strings, finite numbers, booleans, null, arrays and plain
 * objects of these. Rejects `undefined`, functions, `NaN` and `Infinity`,
 * which JSON cannot carry.
 */
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, { error: 'expected a finite number' }),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** Free-form JSON metadata attached to a record: an object of JSON values. */
export const MetadataSchema = z.record(z.string(), JsonValueSchema);

/** Free-form JSON metadata; see {@link MetadataSchema}. */
export type Metadata = Record<string, JsonValue>;
