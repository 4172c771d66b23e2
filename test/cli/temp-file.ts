/**
 * Temporary files for tests that hand a path to the command line: made in a fresh directory of the OS temp
 * folder, removed afterwards (also when the test throws), so no test leaves a file behind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Calls `use` with the path of a file holding `content` (a string, or a value written as JSON), then removes it. */
export function withTempFile<T>(content: unknown, use: (file: string) => T, name = 'script.json'): T {
  return withTempDir((dir) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return use(file);
  });
}

/** Calls `use` with a fresh empty directory, then removes it and everything in it. */
export function withTempDir<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-test-'));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
