import { invalid } from '../core/index.js';
import { ComplaintStatusSchema } from './case-status.js';
import { ComplaintCategorySchema, ComplaintSeveritySchema } from './case-taxonomy.js';
import type { CaseSlaEvaluation, SlaClock } from './sla-clock.js';
import { SlaMetricSchema } from './sla-policy.js';

// Hand-written checks for evaluation results handed back to dueEscalations and
// slaComplianceReport: they run once per clock over hundreds of thousands of
// cases, where a schema parse of every nested interval would dominate. They
// check exactly the fields those functions read, and fail with a
// ValidationError naming the path, like a schema would.

const STATUSES = new Set(['running', 'paused', 'met', 'breached', 'cancelled']);
const METRICS = new Set<string>(SlaMetricSchema.options);
const SEVERITIES = new Set<string>(ComplaintSeveritySchema.options);
const CATEGORIES = new Set<string>(ComplaintCategorySchema.options);
const CASE_STATUSES = new Set<string>(ComplaintStatusSchema.options);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function expectDate(record: Record<string, unknown>, key: string, path: string, nullable: boolean): void {
  const value = record[key];
  if (isDate(value) || (nullable && value === null)) return;
  invalid(`${path}.${key}`, `expected ${nullable ? 'a Date or null' : 'a Date'}, got ${describe(value)}`);
}

function expectString(record: Record<string, unknown>, key: string, path: string, nullable: boolean, allowed?: ReadonlySet<string>): void {
  const value = record[key];
  if ((typeof value === 'string' && value.length > 0 && (allowed === undefined || allowed.has(value))) || (nullable && value === null)) return;
  invalid(`${path}.${key}`, `expected ${allowed ? `one of ${[...allowed].join(', ')}` : 'a non-empty string'}${nullable ? ' or null' : ''}, got ${describe(value)}`);
}

function expectNumber(record: Record<string, unknown>, key: string, path: string, nullable: boolean): void {
  const value = record[key];
  if ((typeof value === 'number' && Number.isFinite(value) && value >= 0) || (nullable && value === null)) return;
  invalid(`${path}.${key}`, `expected a non-negative number${nullable ? ' or null' : ''}, got ${describe(value)}`);
}

function expectArray(record: Record<string, unknown>, key: string, path: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value)) invalid(`${path}.${key}`, `expected an array, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return 'Invalid Date';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return typeof value;
}

function checkCycleFields(cycle: Record<string, unknown>, path: string): void {
  expectString(cycle, 'status', path, false, STATUSES);
  expectDate(cycle, 'startedAt', path, false);
  expectNumber(cycle, 'targetMs', path, true);
  expectString(cycle, 'calendar', path, true);
  expectNumber(cycle, 'elapsedMs', path, false);
  expectDate(cycle, 'dueAt', path, true);
  expectDate(cycle, 'breachedAt', path, true);
  expectDate(cycle, 'stoppedAt', path, true);
  expectArray(cycle, 'pausedIntervals', path).forEach((pause, i) => {
    if (!isObject(pause)) invalid(`${path}.pausedIntervals[${i}]`, `expected a pause, got ${describe(pause)}`);
    expectDate(pause, 'to', `${path}.pausedIntervals[${i}]`, true);
  });
  expectArray(cycle, 'runningIntervals', path).forEach((run, i) => {
    const at = `${path}.runningIntervals[${i}]`;
    if (!isObject(run)) invalid(at, `expected a running interval, got ${describe(run)}`);
    expectDate(run, 'from', at, false);
    expectDate(run, 'to', at, false);
    expectString(run, 'calendar', at, false);
    expectNumber(run, 'businessMs', at, false);
  });
}

/**
 * Checks that `value` is an SLA clock from {@link evaluateSla} (the fields
 * escalations and reports read). Internal to the module.
 *
 * @throws `ValidationError` naming the path of the first bad field.
 */
export function checkSlaClock(value: unknown, path: string): SlaClock {
  if (!isObject(value)) invalid(path, `expected an SLA clock from evaluateSla, got ${describe(value)}`);
  expectString(value, 'caseId', path, false);
  expectString(value, 'dealerId', path, false);
  expectString(value, 'metric', path, false, METRICS);
  expectString(value, 'severity', path, false, SEVERITIES);
  expectDate(value, 'asOf', path, false);
  const index = value.cycleIndex;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 1) invalid(`${path}.cycleIndex`, `expected a whole number from 1, got ${describe(index)}`);
  checkCycleFields(value, path);
  expectArray(value, 'cycles', path).forEach((cycle, i) => {
    if (!isObject(cycle)) invalid(`${path}.cycles[${i}]`, `expected an SLA cycle, got ${describe(cycle)}`);
    checkCycleFields(cycle, `${path}.cycles[${i}]`);
  });
  return value as unknown as SlaClock;
}

/**
 * Checks that `value` is a case evaluation from {@link evaluateSla}: its case
 * record's fields the reports read, and its clocks. Internal to the module.
 *
 * @throws `ValidationError` naming the path of the first bad field.
 */
export function checkCaseEvaluation(value: unknown, path: string): CaseSlaEvaluation {
  if (!isObject(value)) invalid(path, `expected an SLA evaluation from evaluateSla, got ${describe(value)}`);
  const complaint = value.complaint;
  const at = `${path}.complaint`;
  if (!isObject(complaint)) invalid(at, `expected a complaint case, got ${describe(complaint)}`);
  expectString(complaint, 'id', at, false);
  expectString(complaint, 'dealerId', at, false);
  expectString(complaint, 'severity', at, false, SEVERITIES);
  expectString(complaint, 'category', at, false, CATEGORIES);
  expectString(complaint, 'status', at, false, CASE_STATUSES);
  expectString(complaint, 'rootCause', at, true);
  expectDate(complaint, 'openedAt', at, false);
  expectDate(complaint, 'firstResponseAt', at, true);
  expectDate(complaint, 'resolvedAt', at, true);
  expectArray(value, 'clocks', path).forEach((clock, i) => checkSlaClock(clock, `${path}.clocks[${i}]`));
  return value as unknown as CaseSlaEvaluation;
}
