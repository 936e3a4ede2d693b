import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.js';

/** Options for {@link parse}. */
export interface ParseOptions {
  /** What is being parsed, for the error message (`"Invalid vehicle: …"`). */
  readonly label?: string;
  /** A path prefix for every issue, when the input is part of a larger one. */
  readonly path?: string;
}

/**
 * Parses `input` with a zod schema and returns the parsed value, or throws a
 * {@link ValidationError} listing every broken rule with a readable path.
 * This is the one door through which public inputs enter the library.
 *
 * @throws {@link ValidationError} when the input does not satisfy the schema.
 * @example
 * ```ts
 * const vehicle = parse(VehicleSchema, json, { label: 'vehicle' });
 * ```
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, options: ParseOptions = {}): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues, options.path);
  throw new ValidationError(issues, options.label === undefined ? { cause: result.error } : { label: options.label, cause: result.error });
}

/**
 * Converts zod issues to {@link ValidationIssue}s: paths become readable strings
 * (`lines[2].quantity`), and a failed union reports the issues of the branch
 * that came closest instead of a bare "invalid input".
 */
export function issuesFromZod(issues: readonly z.core.$ZodIssue[], prefix?: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) flatten(issue, [], out);
  if (prefix === undefined || prefix === '') return out;
  return out.map((issue) => ({ path: joinPath(prefix, issue.path), message: issue.message }));
}

function flatten(issue: z.core.$ZodIssue, base: readonly PropertyKey[], out: ValidationIssue[]): void {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = closestBranch(issue.errors);
    if (best) {
      for (const inner of best) flatten(inner, path, out);
      return;
    }
  }
  out.push({ path: formatPath(path), message: tidyMessage(issue.message) });
}

/**
 * The union branch to report: the one that got furthest into the input
 * (deepest issue path), then the one with the fewest issues. A branch that
 * failed on the input's own type is not informative when another got further.
 */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  let best: readonly z.core.$ZodIssue[] | undefined;
  let bestDepth = -1;
  for (const branch of branches) {
    const depth = Math.max(0, ...branch.map((issue) => issue.path.length));
    if (depth > bestDepth || (depth === bestDepth && best !== undefined && branch.length < best.length)) {
      best = branch;
      bestDepth = depth;
    }
  }
  return bestDepth > 0 ? best : undefined;
}

function tidyMessage(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

/**
 * Formats a path of keys as `a.b[2].c`; the empty path is the empty string.
 *
 * @example
 * ```ts
 * formatPath(['lines', 2, 'quantity']); // 'lines[2].quantity'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
