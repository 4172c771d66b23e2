/**
 * Runs the real binary (bin/lockstep.js) in a child process, as a user would, and returns its exit code and
 * output. Every `--json` output that a run prints is validated against its shipped schema on the way
 * (test/schema-validate.ts), with every trace inside it, so that no suite can read a document the schemas
 * do not describe.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { assertValidOutput, assertValidTrace } from '../schema-validate.js';

export const BIN = fileURLToPath(new URL('../../../bin/lockstep.js', import.meta.url));

export interface Ran {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export function lockstep(args: readonly string[], options: RunOptions = {}): Ran {
  const ran = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 170_000,
    maxBuffer: 256 * 1024 * 1024,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  if (ran.error !== undefined) throw ran.error;
  const result = { status: ran.status, signal: ran.signal, stdout: ran.stdout, stderr: ran.stderr };
  if (args.includes('--json') && !args.includes('--help') && (ran.status === 0 || ran.status === 1)) assertValidJsonOutput(result.stdout);
  return result;
}

/** A --json output: one document, valid against the schema of its command, and every trace in it. */
export function assertValidJsonOutput(stdout: string): unknown {
  const doc = JSON.parse(stdout) as unknown;
  assertValidOutput(doc);
  for (const trace of tracesIn(doc)) assertValidTrace(trace);
  return doc;
}

/** The counterexample traces of a check output (one per engine, or per row of --all). */
function tracesIn(doc: unknown): unknown[] {
  const d = doc as { command?: string; engines?: { counterexample: unknown }[]; rows?: { counterexample: unknown }[] };
  if (d.command !== 'check') return [];
  return [...(d.engines ?? []), ...(d.rows ?? [])].map((r) => r.counterexample).filter((t) => t !== null);
}
