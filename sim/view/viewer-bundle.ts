/**
 * The trace viewer's script: sim/view/browser/viewer-app.js (compiled by tsc) bundled for the browser by
 * esbuild with everything it imports (the scenario definitions, their XState models and properties, xstate,
 * ts-pattern), minified, as one IIFE to inline in a page. Built once per process, on first use; the same
 * sources give the same bytes (esbuild is deterministic), so `docs --check` can compare viewer files.
 */
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./browser/viewer-app.js', import.meta.url));

let cached: string | null = null;

export function viewerScript(): string {
  if (cached === null) {
    const result = buildSync({
      entryPoints: [ENTRY],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    });
    cached = result.outputFiles[0]!.text;
  }
  return cached;
}
