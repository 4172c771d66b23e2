/**
 * Errors that are not the user's: a defect of lockstep, or broken surroundings (a scratch folder removed during
 * a run, a full disk). They exit 4, so that a CI gate does not count a crash as a violation found (exit 1), with
 * one line on stderr; the stack trace only with `--debug` or LOCKSTEP_DEBUG=1.
 *
 * Writing the output can fail too. A reader that went away (EPIPE: `lockstep list | head -c 5`) is no error
 * of anybody's: the process ends at once, quietly, with 141 (128 + SIGPIPE, as a program killed by the signal
 * would). Any other output error (ENOSPC: `> /dev/full`) is one line and exit 4.
 */
export const EXIT_INTERNAL = 4;
export const EXIT_BROKEN_PIPE = 141;

/** Whether the stack should be shown: `--debug` among the arguments (before `--`), or LOCKSTEP_DEBUG set and not 0. */
export function debugWanted(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).includes('--debug')) return true;
  const env = process.env['LOCKSTEP_DEBUG'];
  return env !== undefined && env !== '' && env !== '0';
}

/** Prints the one line (and, when wanted, the stack) of an internal error; returns its exit code. */
export function reportInternalError(command: string, error: unknown, debug: boolean): number {
  const text = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const hint = debug ? 'the stack follows' : 'rerun with --debug or LOCKSTEP_DEBUG=1 for the stack';
  writeErr(`lockstep ${command}: internal error (not a problem with the input): ${text.replace(/\s+/g, ' ').trim()} (${hint})\n`);
  if (debug && error instanceof Error && error.stack !== undefined) writeErr(`${error.stack}\n`);
  return EXIT_INTERNAL;
}

/**
 * From here on, errors that escape the command's own promise (a stream's 'error' event, a rejected promise
 * nobody awaited, an exception in a callback) and failures to write stdout end the process as described above.
 */
export function guardProcess(command: string, debug: boolean): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
    writeErr(`lockstep ${command}: cannot write the output to stdout: ${error.code ?? error.message}${error.code === 'ENOSPC' ? ' (no space left on the device)' : ''}\n`);
    process.exit(EXIT_INTERNAL);
  });
  // With stderr gone too there is nobody to tell; the exit code still says it.
  process.stderr.on('error', () => undefined);
  const fail = (error: unknown): void => {
    process.exit(reportInternalError(command, error, debug));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

function writeErr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    // stderr closed: nothing more to do.
  }
}
