/**
 * The trace format of DESIGN.md ("Formats / Trace"): the record of one run, and the unit of a bug report.
 * A trace saved by one engine replays on the other (`lockstep replay`).
 */
import type { StepRecord } from '../spec/scenario-model.js';
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

export class TraceError extends Error {
  override readonly name = 'TraceError';
}

/** Validates untrusted JSON as a trace; throws a TraceError naming the first problem. */
export function parseTrace(text: string): Trace {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TraceError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TraceError('a trace is a JSON object');
  const t = value as Record<string, unknown>;
  if (t['lockstep'] !== 1) throw new TraceError('not a lockstep trace: "lockstep": 1 is missing');
  for (const field of ['scenario', 'variant'] as const) {
    if (typeof t[field] !== 'string') throw new TraceError(`"${field}" must be a string`);
  }
  if (t['engine'] !== 'sim' && t['engine'] !== 'real') throw new TraceError('"engine" must be "sim" or "real"');
  const params = t['params'];
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new TraceError('"params" must be an object');
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
    const step = s as Record<string, unknown> | null;
    if (typeof step !== 'object' || step === null || typeof step['actor'] !== 'string' || typeof step['action'] !== 'string' || typeof step['outcome'] !== 'string') {
      throw new TraceError(`steps[${i}] must be { actor, action, outcome } strings`);
    }
  });
  const verdict = t['verdict'];
  if (verdict !== 'holds' && verdict !== 'violation' && verdict !== 'limit-reached') {
    throw new TraceError('"verdict" must be holds, violation or limit-reached');
  }
  return {
    lockstep: 1,
    scenario: t['scenario'] as string,
    variant: t['variant'] as string,
    engine: t['engine'],
    params: params as ScenarioParams,
    schedule: schedule as number[],
    steps: steps as StepRecord[],
    verdict,
    property: typeof t['property'] === 'string' ? t['property'] : null,
    message: typeof t['message'] === 'string' ? t['message'] : null,
  };
}
