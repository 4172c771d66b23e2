/**
 * The trace format of DESIGN.md ("Formats / Trace"): the record of one run, and the unit of a bug report.
 * A trace saved by one engine replays on the other (`lockstep replay`).
 */
import type { ExposedWorld, StepRecord } from '../spec/scenario-model.js';
import type { Verdict } from './verdict.js';

export type EngineName = 'sim' | 'real';
export const ENGINES: readonly EngineName[] = ['sim', 'real'];

export type ScenarioParams = Readonly<Record<string, string | number | boolean>>;

export interface Trace {
  readonly lockstep: 1;
  readonly scenario: string;
  readonly variant: string;
  readonly engine: EngineName;
  readonly params: ScenarioParams;
  readonly schedule: readonly number[];
  readonly steps: readonly StepRecord[];
  readonly verdict: Verdict;
  readonly property: string | null;
  readonly message: string | null;
}

/**
 * Format 2: a self-describing trace. Beside format 1's fields it carries the world after every step (as the
 * scenario exposes it: locks, transactions, actor states, shared rows, the virtual clock), so that renderers and
 * the trace viewer need no model; the versions of the tool and of SQLite that made it; the command that
 * reproduces it; and where the property broke. `replay` reads both formats. docs/formats.md documents it and
 * schemas/trace.schema.json validates it.
 */
export interface TraceV2 {
  readonly lockstep: 2;
  readonly tool: {
    /** The lockstep package version. */
    readonly version: string;
    /** sqlite_version() of the better-sqlite3 build, when SQLite was involved (null otherwise). */
    readonly sqlite: string | null;
    /** process.version of the Node that ran it. */
    readonly node: string;
  };
  /** The command line (or, for explore(), the replay token) that reruns this run exactly. */
  readonly reproduce: string;
  readonly scenario: string;
  readonly variant: string;
  readonly engine: EngineName;
  readonly params: ScenarioParams;
  readonly actors: readonly string[];
  /** What the actors share, as a diagram names it: 'SQLite', 'file system', 'memory', 'storage backend'. */
  readonly shared: string;
  /** The properties the run was judged against, with their claims. */
  readonly properties: readonly { readonly name: string; readonly kind: 'safety' | 'outcome'; readonly claim: string }[];
  /** The world before the first step. */
  readonly initial: ExposedWorld;
  readonly schedule: readonly number[];
  readonly steps: readonly TraceStepV2[];
  readonly verdict: Verdict;
  readonly property: string | null;
  readonly message: string | null;
  /**
   * 0-based index of the step after which the property was found broken (a safety property: the first world
   * that broke it; an outcome property or a deadlock: the last step); null when the run holds.
   */
  readonly brokeAt: number | null;
}

export interface TraceStepV2 extends StepRecord {
  /** The world after this step. On the real engine: what was observed on real SQLite and in the real code. */
  readonly state: ExposedWorld;
  /**
   * Real engine, when the run was compared with the model: the model's record of the same step where it
   * differs (a model-vs-real difference is visible in the trace itself). Absent when they agree.
   */
  readonly model?: StepRecord;
}

export class TraceError extends Error {
  override readonly name = 'TraceError';
}

/** A trace of either format: `replay` reads both, every producer writes format 2. */
export type AnyTrace = Trace | TraceV2;

/** The trace formats this lockstep reads. */
export const TRACE_FORMATS: readonly number[] = [1, 2];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates untrusted JSON as a trace of format 1 or 2; throws a TraceError naming the first problem. Format 2's
 * per-step states are checked for their shape (an object with an `actors` object), not for every field: the
 * JSON Schema (schemas/trace-v2.schema.json) is the full description.
 */
export function parseTrace(text: string): AnyTrace {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TraceError(`not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new TraceError('a trace is a JSON object');
  const t = value;
  const format = t['lockstep'];
  if (format === undefined) throw new TraceError('not a lockstep trace: the "lockstep" format number is missing');
  if (!TRACE_FORMATS.includes(format as number)) throw new TraceError(`trace format ${JSON.stringify(format)} is not one this lockstep reads (it reads ${TRACE_FORMATS.join(' and ')})`);
  for (const field of ['scenario', 'variant'] as const) {
    if (typeof t[field] !== 'string') throw new TraceError(`"${field}" must be a string`);
  }
  if (t['engine'] !== 'sim' && t['engine'] !== 'real') throw new TraceError('"engine" must be "sim" or "real"');
  const params = t['params'];
  if (!isObject(params)) throw new TraceError('"params" must be an object');
  for (const [key, v] of Object.entries(params)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw new TraceError(`params.${key} must be a string, number or boolean`);
  }
  const schedule = t['schedule'];
  if (!Array.isArray(schedule) || !schedule.every((a) => Number.isInteger(a) && a >= 0 && a < 64)) {
    throw new TraceError('"schedule" must be an array of actor indices (integers from 0)');
  }
  const steps = t['steps'];
  if (!Array.isArray(steps)) throw new TraceError('"steps" must be an array');
  steps.forEach((s: unknown, i) => {
    if (!isObject(s) || typeof s['actor'] !== 'string' || typeof s['action'] !== 'string' || typeof s['outcome'] !== 'string') {
      throw new TraceError(`steps[${i}] must be { actor, action, outcome } strings`);
    }
    if (format === 2 && !(isObject(s['state']) && isObject(s['state']['actors']))) throw new TraceError(`steps[${i}].state must be an object with an "actors" object (format 2)`);
  });
  const verdict = t['verdict'];
  if (verdict !== 'holds' && verdict !== 'violation' && verdict !== 'limit-reached') {
    throw new TraceError('"verdict" must be holds, violation or limit-reached');
  }
  const engine: EngineName = t['engine'];
  const common = {
    scenario: t['scenario'] as string,
    variant: t['variant'] as string,
    engine,
    params: params as ScenarioParams,
    schedule: schedule as number[],
    verdict: verdict as Verdict,
    property: typeof t['property'] === 'string' ? t['property'] : null,
    message: typeof t['message'] === 'string' ? t['message'] : null,
  };
  if (format === 1) return { lockstep: 1, ...common, steps: steps as StepRecord[] };
  if (!isObject(t['initial']) || !isObject(t['initial']['actors'])) throw new TraceError('"initial" must be an object with an "actors" object (format 2)');
  if (!Array.isArray(t['actors']) || !t['actors'].every((a) => typeof a === 'string')) throw new TraceError('"actors" must be an array of names (format 2)');
  if (!isObject(t['tool'])) throw new TraceError('"tool" must be an object (format 2)');
  const brokeAt = t['brokeAt'];
  // Only its type: replay judges the run again and does not read it; the viewer shows a brokeAt past the steps as none.
  if (brokeAt !== null && !(Number.isInteger(brokeAt) && (brokeAt as number) >= -1)) throw new TraceError('"brokeAt" must be null or a step index (format 2)');
  return {
    ...(t as unknown as TraceV2),
    ...common,
    lockstep: 2,
    steps: steps as TraceStepV2[],
    brokeAt: brokeAt as number | null,
  };
}
