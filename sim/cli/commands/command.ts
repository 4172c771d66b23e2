/** One subcommand: its name, a one-line synopsis for the usage text, and its runner (returns the exit code). */
export interface Command {
  readonly name: string;
  readonly synopsis: string;
  run(argv: readonly string[]): Promise<number>;
}
