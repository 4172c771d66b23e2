/**
 * One scratch folder per command-line process, so that nothing is left behind even when the run is cut short.
 *
 * Every real engine makes its temporary directories under os.tmpdir() and removes them when a run closes. A
 * Ctrl-C (SIGINT) or a SIGTERM ends the process before those `finally` blocks run, so the command line points
 * TMPDIR (which os.tmpdir() reads on every call, and which child processes inherit) at a folder of its own,
 * `lockstep-cli-PID-XXXXXX` under the real temporary folder, and removes that folder on exit and on those
 * signals. A process killed outright (SIGKILL, a power cut) cannot remove its folder: the next run finds the
 * folders whose process is gone, by the PID in their name, and removes them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'lockstep-cli-';
const NAME = /^lockstep-cli-(\d+)-[A-Za-z0-9]{6}$/;

/** Creates the folder, points TMPDIR at it, and arranges its removal. Returns the folder. */
export function useScratchRoot(): string {
  const parent = tmpdir();
  removeAbandoned(parent);
  const root = mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
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

/**
 * Removes the scratch folders under `parent` whose process no longer runs. A folder whose PID is alive (or
 * belongs to another user: EPERM) is left alone, and so is any folder that cannot be removed.
 */
export function removeAbandoned(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Someone else's folder, or one being removed right now: not ours to insist on.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
