#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.bench.ts) one after another,
// each in its own process with a large heap; each rewrites its section of
// bench/RESULTS.md. Pass names to run a subset: npm run bench -- rfm loyalty
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();
for (const file of files) {
  console.log(`\n▶ bench/${file}`);
  execFileSync(process.execPath, ['--max-old-space-size=16384', '--expose-gc', '--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
}
