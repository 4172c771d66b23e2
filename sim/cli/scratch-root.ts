/**
 * One scratch folder per command-line process, so that nothing is left behind even when the run is cut short.
 *
 * Every real engine makes its temporary directories under os.tmpdir() and removes them when a run closes. A
 * Ctrl-C (SIGINT) or a SIGTERM ends the process before those `finally` blocks run, so the command line points
 * TMPDIR (which os.tmpdir() reads on every call, and which child processes inherit) at a folder of its own,
 * `lockstep-cli-XXXXXX` under the real temporary folder, and removes that folder on exit and on those signals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates the folder, points TMPDIR at it, and arranges its removal. Returns the folder. */
export function useScratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lockstep-cli-'));
  process.env['TMPDIR'] = root;
  const remove = (): void => rmSync(root, { recursive: true, force: true });
  process.once('exit', remove);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      process.stderr.write(`lockstep: ${signal}: stopping and removing ${root}\n`);
      // process.exit runs the 'exit' listeners: this folder's removal and the engines' own (child processes).
      process.exit(code);
    });
  }
  return root;
}
