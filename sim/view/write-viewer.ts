/**
 * Writing a viewer file for a trace (`lockstep view`, `check --html`, `docs`): the HTML of viewer-html.ts,
 * written whole or not at all (a temporary file renamed into place), with a usage error naming the file when it
 * cannot be written.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '../cli/usage-error.js';
import type { TraceV2 } from '../trace.js';
import { viewerHtml } from './viewer-html.js';

/** Writes the viewer of `trace` to `file`; returns its size in bytes. */
export function writeViewer(trace: TraceV2, file: string, option: string): number {
  const html = viewerHtml(trace);
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, html);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new UsageError(`${option} ${file}: cannot write there: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return Buffer.byteLength(html);
}
