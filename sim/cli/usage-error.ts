/**
 * Bad usage or bad input. The CLI prints its message as one line on stderr and exits 2, never a stack trace.
 * The message names what was wrong and what is accepted.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
