/**
 * Every ```ts block in README.md and docs/*.md is a complete program: this test
 * type-checks them all with the project's compiler options (the package's public
 * names map to the sources) and then runs each one.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = path.join(root, '.tmp', 'doc-samples');

interface Sample {
  readonly doc: string;
  readonly line: number;
  readonly file: string;
}

function extractSamples(): Sample[] {
  const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const samples: Sample[] = [];
  for (const doc of docs) {
    const text = readFileSync(path.join(root, doc), 'utf8');
    const pattern = /^```ts\n([\s\S]*?)^```$/gm;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const line = text.slice(0, match.index).split('\n').length;
      const file = path.join(outDir, `${doc.replace(/[/.]/g, '_')}_L${line}.ts`);
      // `export {}` makes each sample a module, so top-level await and names stay local.
      writeFileSync(file, `${match[1]}\nexport {};\n`);
      samples.push({ doc, line, file });
    }
  }
  return samples;
}

const samples = extractSamples();

describe('documentation samples', () => {
  it('type-check with the project settings', () => {
    const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(
      samples.map((s) => s.file),
      { ...parsed.options, noEmit: true, noUnusedLocals: false },
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(outDir));
    const messages = diagnostics.map((d) => {
      const where = d.file ? samples.find((s) => s.file === d.file!.fileName) : undefined;
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      return `${where ? `${where.doc}:${where.line + pos + 1}` : 'global'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  }, 120_000);

  for (const sample of samples) {
    it(`runs ${sample.doc} (block at line ${sample.line})`, async () => {
      await import(sample.file);
    });
  }
});
