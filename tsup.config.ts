import { defineConfig } from 'tsup';

/**
 * One entry per public subpath. The keys are the output paths under dist/;
 * package.json's `exports` map must list the same set (scripts/check-package.mjs
 * checks that they agree).
 */
export const entries = {
  index: 'src/index.ts',
  'core/index': 'src/core/index.ts',
  'customer/index': 'src/customer/index.ts',
  'segmentation/index': 'src/segmentation/index.ts',
  'loyalty/index': 'src/loyalty/index.ts',
  'complaints/index': 'src/complaints/index.ts',
  'retention/index': 'src/retention/index.ts',
  'adapters/index': 'src/adapters/index.ts',
  'adapters/testing/index': 'src/adapters/testing/index.ts',
  'adapters/memory/index': 'src/adapters/memory/index.ts',
  'adapters/postgres/index': 'src/adapters/postgres/index.ts',
  'adapters/http/index': 'src/adapters/http/index.ts',
  'crm/index': 'src/crm/index.ts',
} as const;

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    // Shared chunks in both formats, so that `CrmError` is one class whichever
    // subpath a caller imports it through (instanceof keeps working).
    splitting: true,
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist once for both configs
    target: 'node20',
    platform: 'neutral',
    treeshake: true,
    // ky is ESM-only; bundling it keeps the CommonJS build of the HTTP adapter
    // loadable on every Node 20 release, and spares users an install.
    noExternal: ['ky'],
    outExtension({ format }) {
      return { js: format === 'cjs' ? '.cjs' : '.js' };
    },
  },
  {
    // The `dealer-crm` command (package.json "bin"): Node only, ESM, one file
    // plus shared chunks; not a subpath of the library.
    entry: ['src/cli/bin.ts'],
    outDir: 'dist/cli',
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: true,
    dts: false,
    sourcemap: true,
    clean: false,
    treeshake: true,
    noExternal: ['ky'],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
