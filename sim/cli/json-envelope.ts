/**
 * The one shape of every `--json` output: one object `{ "lockstep": JSON_FORMAT, "command": NAME, ...body }`,
 * the results inside it (check: `engines` or, with --all, `rows`; predict and run: `answer`). Each command's
 * document has a JSON Schema under schemas/ (`schemas/README.md`), which the test suite validates against.
 *
 * JSON_FORMAT counts incompatible changes of these documents (a field removed or changed in meaning);
 * adding a field is compatible and keeps the number.
 */
export const JSON_FORMAT = 1;

export type Envelope<B extends object> = { readonly lockstep: typeof JSON_FORMAT; readonly command: string } & B;

export function envelope<B extends object>(command: string, body: B): Envelope<B> {
  return { lockstep: JSON_FORMAT, command, ...body };
}

/** Prints the envelope as the whole of stdout: pretty JSON and one newline. */
export function printJson(command: string, body: object): void {
  process.stdout.write(`${JSON.stringify(envelope(command, body), null, 2)}\n`);
}
