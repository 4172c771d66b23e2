/**
 * Reading the SCRIPT argument of `predict`, `run` and `conform`: a file path, or `-` for stdin. Every problem
 * (missing file, not JSON, not a valid lock script) becomes a one-line {@link UsageError} (exit 2).
 */
import { LockScriptError, parseLockScripts, type ParsedLockScripts } from '../../spec/sqlite/lock-script.parse.js';
import { UsageError } from './usage-error.js';
import { readInputFile } from './input-file.js';

export function readLockScripts(path: string): ParsedLockScripts {
  const text = readInputFile(path, 'SCRIPT', 'a lock script JSON file');
  try {
    return parseLockScripts(text);
  } catch (error) {
    if (error instanceof LockScriptError) {
      throw new UsageError(`${path === '-' ? 'stdin' : path}: ${error.message}`);
    }
    throw error;
  }
}
