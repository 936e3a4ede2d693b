// Requires the built package by name from plain CommonJS, as a user's program would.
// Run by scripts/smoke.mjs on Node 20, 22 and 24.
const assert = require('node:assert/strict');
const pkg = require('../../package.json');

const loaded = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const specifier = subpath === '.' ? 'dealer-crm' : `dealer-crm/${subpath.slice(2)}`;
  loaded[specifier] = require(specifier);
  assert.ok(Object.keys(loaded[specifier]).length > 0, `${specifier} exports nothing`);
}
const root = loaded['dealer-crm'];
const core = loaded['dealer-crm/core'];
const customer = loaded['dealer-crm/customer'];
assert.equal(root.CrmError, core.CrmError, 'one CrmError class across subpaths');
assert.equal(customer.validateVin('1M8GDM9AXKP042788').valid, true);
assert.throws(() => core.parse(customer.VehicleSchema, { vin: 'x' }), (error) => error instanceof root.ValidationError);
console.log(`cjs smoke ok on ${process.version}`);
