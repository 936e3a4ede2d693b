#!/usr/bin/env node
// Runs the smoke tests (test/smoke/smoke.mjs and .cjs) against the built
// package on Node 20, 22 and 24. The machine's own node serves for its major;
// the others come from the `node` package on npm (npx -y node@22 …).
import { execFileSync } from 'node:child_process';

const majors = (process.env.SMOKE_NODE_MAJORS ?? '20,22,24').split(',').map(Number);
const own = Number(process.versions.node.split('.')[0]);
const files = ['test/smoke/smoke.mjs', 'test/smoke/smoke.cjs'];
for (const major of majors) {
  for (const file of files) {
    const [command, args] = major === own ? [process.execPath, [file]] : ['npx', ['-y', `node@${major}`, file]];
    execFileSync(command, args, { stdio: 'inherit' });
  }
}
