/**
 * Reading a file named on the command line (SCRIPT, TRACE, PAGE), or stdin for `-` where the command allows
 * it. Every problem is one {@link UsageError} (exit 2) naming the argument, the path, the reason in words and
 * what is accepted: `cannot read TRACE 'x.json': no such file (expected a trace JSON file, or - for stdin)`.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage-error.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** The text of `path` (stdin for `-` when `stdin` is true); `what` is the argument's name, `expected` what it must be. */
export function readInputFile(path: string, what: string, expected: string, stdin = true): string {
  try {
    const text = readFileSync(stdin && path === '-' ? 0 : path, 'utf8');
    // A text with NUL bytes is no JSON or Markdown document: refuse it here, before a parser names an odd character.
    if (text.includes('\u0000')) throw new UsageError(`${what} ${where(path, stdin)} is a binary file (expected ${expected})`);
    return text;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (error as Error).message.replace(/\s+/g, ' ');
    throw new UsageError(`cannot read ${what} ${where(path, stdin)}: ${reason} (expected ${expected}${stdin ? ', or - for stdin' : ''})`);
  }
}

function where(path: string, stdin: boolean): string {
  return stdin && path === '-' ? 'from stdin' : `'${path}'`;
}
