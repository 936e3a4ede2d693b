#!/usr/bin/env node
// Package checks on the built package: the exports map and the tsup entries
// agree, every file the map names exists, publint and are-the-types-wrong pass.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const config = readFileSync('tsup.config.ts', 'utf8');
const entries = [...config.matchAll(/^\s+'?([\w/]+)'?: 'src\/[\w/]+\.ts',$/gm)].map((m) => m[1]);
const fromExports = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'index' : `${key.slice(2)}/index`));

const problems = [];
for (const entry of entries) if (!fromExports.includes(entry)) problems.push(`tsup entry ${entry} has no exports-map subpath`);
for (const entry of fromExports) if (!entries.includes(entry)) problems.push(`exports-map subpath for ${entry} has no tsup entry`);
for (const [key, value] of Object.entries(pkg.exports)) {
  if (typeof value === 'string') continue;
  for (const condition of Object.values(value)) {
    for (const file of Object.values(condition)) if (!existsSync(file)) problems.push(`${key}: ${file} does not exist (run npm run build)`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`exports map: ${fromExports.length} subpaths agree with tsup entries and exist`);

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
run('npx', ['--no-install', 'publint', '--strict']);
run('npx', ['--no-install', 'attw', '--pack', '.', '--profile', 'node16']);
