/**
 * What a format-2 trace's header says about the tool that made it: the lockstep package version, the SQLite
 * that better-sqlite3 bundles (the one the real engine runs on and the model is held to by conformance), and the
 * Node that ran it.
 */
import { readFileSync } from 'node:fs';
import { sqliteVersion } from '../impl/lock-step/sqlite-version.js';
import type { TraceV2 } from './trace.js';

let cached: TraceV2['tool'] | null = null;

export function toolInfo(): TraceV2['tool'] {
  if (cached === null) {
    // dist/sim/tool-info.js and sim/tool-info.ts both sit two folders below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = { version: pkg.version, sqlite: sqliteVersion(), node: process.version };
  }
  return cached;
}
