import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CrmError } from 'dealer-crm/core';
import type { JsonValue } from 'dealer-crm/core';
import { instrumentedMemory, makeCrm } from './support/fixtures.js';
import type { TenantDump } from './support/instrumented-driver.js';
import { callMethod, scenarioTenant, scenarios, type Scenario } from './support/scenarios.js';

// Random JSON fed to every facade method — as the context, as the input, and
// as a change somewhere inside a valid input. Whatever arrives, the method
// throws nothing but a CrmError (never INTERNAL, which would be a bug), and
// a rejected call writes nothing; a refusal (FORBIDDEN) writes only its
// audit entry and outbox event.

/** Every path into a JSON value, as lists of keys. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => out.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...prefix, key]));
  return out;
}

/** A copy of `value` with the value at `path` replaced (or, with `remove`, its key deleted). */
function mutate(value: unknown, path: readonly (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (rest.length === 0 && remove && !Array.isArray(value)) return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => key !== head));
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = mutate(copy[head!], rest, replacement, remove);
  return copy;
}

function auditAndOutboxOnly(before: TenantDump, after: TenantDump): void {
  const keep = (dump: TenantDump) => ({
    records: dump.records,
    streams: Object.fromEntries(Object.entries(dump.streams).filter(([key]) => !key.startsWith('audit_log/') && !key.startsWith('outbox/'))),
  });
  expect(keep(after)).toEqual(keep(before));
}

async function fuzzMethod(scenario: Scenario, property: (run: (context: unknown, input: unknown) => Promise<void>, validContext: JsonValue) => fc.IAsyncProperty<never> | fc.IAsyncProperty<[unknown]> | fc.IAsyncProperty<[unknown, unknown]>, numRuns: number) {
  const { storage, driver } = instrumentedMemory();
  const { tenantId, crm } = await scenarioTenant(scenario, storage);
  const run = async (context: unknown, input: unknown) => {
    const before = await driver.dump(tenantId);
    try {
      await callMethod(crm, scenario.method, context, input);
      return;
    } catch (error) {
      expect(error, `${scenario.method} threw a non-CrmError`).toBeInstanceOf(CrmError);
      const code = (error as CrmError).code;
      expect(code, `${scenario.method} failed with INTERNAL: ${(error as Error).message}`).not.toBe('INTERNAL');
      const after = await driver.dump(tenantId);
      if (code === 'FORBIDDEN') auditAndOutboxOnly(before, after);
      else expect(after).toEqual(before);
    }
  };
  await fc.assert(property(run, scenario.context(tenantId) as unknown as JsonValue) as fc.IAsyncProperty<unknown[]>, { numRuns });
}

describe('random JSON fed to a facade method', () => {
  test('covers every method of the facade', () => {
    const crm = makeCrm(instrumentedMemory().storage);
    const methods = Object.entries(crm)
      .filter(([, service]) => service !== null && typeof service === 'object' && Object.values(service).every((member) => typeof member === 'function'))
      .flatMap(([name, service]) => Object.keys(service as object).map((method) => `${name}.${method}`));
    expect(methods.sort()).toEqual(scenarios().map((scenario) => scenario.method).sort());
  });

  for (const scenario of scenarios()) {
    test(`${scenario.method}: random contexts and inputs, and valid inputs changed at random, throw only CrmErrors and write nothing when rejected`, async () => {
      // Anything as context and input.
      await fuzzMethod(scenario, (run) => fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), (context, input) => run(context, input)), 20);
      // A valid context, anything as input.
      await fuzzMethod(scenario, (run, context) => fc.asyncProperty(fc.jsonValue(), (input) => run(context, input)), 20);
      // A valid context and a valid input with one value replaced or removed.
      const paths = pathsOf(scenario.input);
      await fuzzMethod(
        scenario,
        (run, context) =>
          fc.asyncProperty(fc.record({ at: fc.nat({ max: paths.length - 1 }), replacement: fc.jsonValue({ maxDepth: 2 }), remove: fc.boolean() }), ({ at, replacement, remove }) =>
            run(context, mutate(scenario.input, paths[at]!, replacement, remove)),
          ),
        60,
      );
    });
  }

  // The bulk methods also take their items from an (async) iterable, checked a batch at a time: random items
  // there too, whole or changed at random, throw only CrmErrors, and a rejected single-batch call writes nothing.
  const bulkItems: Readonly<Record<string, string>> = { 'customers.import': 'customers', 'transactions.recordMany': 'transactions', 'loyalty.enrollMany': 'members' };
  async function* iterate(items: readonly unknown[]): AsyncGenerator<unknown> {
    for (const item of items) yield item;
  }
  for (const scenario of scenarios().filter((candidate) => bulkItems[candidate.method] !== undefined)) {
    const field = bulkItems[scenario.method]!;
    const items = scenario.input[field] as readonly unknown[];
    test(`${scenario.method}: items from an async iterable, random or changed at random, throw only CrmErrors and write nothing when rejected`, async () => {
      await fuzzMethod(scenario, (run, context) => fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 4 }), (random) => run(context, { ...scenario.input, [field]: iterate(random) })), 20);
      const paths = pathsOf(items);
      await fuzzMethod(
        scenario,
        (run, context) =>
          fc.asyncProperty(fc.record({ at: fc.nat({ max: paths.length - 1 }), replacement: fc.jsonValue({ maxDepth: 2 }), remove: fc.boolean() }), ({ at, replacement, remove }) =>
            run(context, { ...scenario.input, [field]: iterate(mutate(items, paths[at]!, replacement, remove) as unknown[]) }),
          ),
        40,
      );
    });
  }
});
