// Imports the built package by name from plain ESM, as a user's program would.
// Run by scripts/smoke.mjs on Node 20, 22 and 24.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as root from 'dealer-crm';
import * as core from 'dealer-crm/core';
import * as customer from 'dealer-crm/customer';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const specifier = subpath === '.' ? 'dealer-crm' : `dealer-crm/${subpath.slice(2)}`;
  const mod = await import(specifier);
  assert.ok(Object.keys(mod).length > 0, `${specifier} exports nothing`);
}

assert.equal(root.CrmError, core.CrmError, 'one CrmError class across subpaths');
assert.equal(customer.validateVin('1M8GDM9AXKP042788').valid, true);
assert.throws(() => core.parse(customer.VehicleSchema, { vin: 'x' }), (error) => error instanceof root.ValidationError && error.code === 'VALIDATION_FAILED');
console.log(`esm smoke ok on ${process.version}`);
