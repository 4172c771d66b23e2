/**
 * Reading the SCRIPT argument of `predict`, `run` and `conform`: a file path, or `-` for stdin. Every problem
 * (missing file, not JSON, not a valid lock script) becomes a one-line {@link UsageError} (exit 2).
 */
import { readFileSync } from 'node:fs';
import { LockScriptError, parseLockScripts, type ParsedLockScripts } from '../../spec/sqlite/lock-script.parse.js';
import { UsageError } from './usage-error.js';

export function readLockScripts(path: string): ParsedLockScripts {
  const text = readInput(path);
  try {
    return parseLockScripts(text);
  } catch (error) {
    if (error instanceof LockScriptError) {
      throw new UsageError(`${path === '-' ? 'stdin' : path}: ${error.message}`);
    }
    throw error;
  }
}

function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message.replace(/\s+/g, ' ');
    throw new UsageError(`cannot read SCRIPT ${path === '-' ? 'from stdin' : `'${path}'`}: ${reason} (expected a lock script JSON file, or - for stdin)`);
  }
}
