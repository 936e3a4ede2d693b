#!/usr/bin/env node
// After the API reference is built: every relative link in README.md and
// docs/*.md must point at a file that exists — the guides' links into the
// reference (docs/api/…) included — and every module guide must link to its
// module's page of the reference.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const guides = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
const problems = [];
for (const file of guides) {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const resolved = path.join(path.dirname(file), target.split('#')[0]);
    if (!existsSync(resolved)) problems.push(`${file}: link to ${target} — ${resolved} does not exist`);
  }
}
// Each module's guide links to its page of the API reference.
const moduleGuides = { 'customer.md': 'customer', 'segmentation.md': 'segmentation', 'loyalty.md': 'loyalty', 'complaints.md': 'complaints', 'retention.md': 'retention', 'adapters.md': 'adapters', 'backend.md': 'crm' };
for (const [guide, module] of Object.entries(moduleGuides)) {
  const text = readFileSync(path.join('docs', guide), 'utf8');
  if (!text.includes(`](api/modules/${module}.html)`)) problems.push(`docs/${guide}: no link to the API reference page api/modules/${module}.html`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`doc links: ${guides.length} files, every relative link resolves; every module guide links to its API reference page`);
