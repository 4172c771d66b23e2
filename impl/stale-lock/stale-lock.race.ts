/**
 * The truly concurrent reproduction of the stale-lock race (seed 003, bolt): no gates, no schedule. In each
 * run a real process takes the lock and is killed (SIGKILL); then N contender processes, already warm, are
 * told to start at one agreed instant (each spins on the high-resolution clock until then, so they start
 * within microseconds of each other) and run the real lock code on the real file with a real backoff
 * between tries. A contender that gets the lock holds it until every contender has finished trying (a long
 * critical section), so two contenders that both report holding held it at the same moment.
 *
 * Each run reports who held, and whether the dangerous window was reached: two contenders both read the
 * crashed holder's dead pid (both can only have read it before the first of them removed that file).
 * Everything is cleaned up at the end, also on failure: the processes are killed and the directories removed.
 */
import { performance } from 'node:perf_hooks';
import type { LockStep, StaleLockVariant } from './pid-lock-file.js';
import type { ChildMessage } from './protocol.js';
import { StaleLockProcesses, type ChildHandle } from './stale-lock-processes.js';
import { pidNamer, stepWords } from './stale-lock-words.js';

export interface StaleLockRaceOptions {
  readonly variant: StaleLockVariant;
  readonly contenders: number;
  readonly maxTries: number;
  readonly runs: number;
  /** Backoff before the second try; doubles per try. */
  readonly backoffMs: number;
  /**
   * Widens the race on purpose (0: the code as written): each contender pauses a random time in [0, jitterUs) µs
   * between reading a dead pid and acting on it, standing for being descheduled there. See PidLockOptions.
   */
  readonly jitterUs: number;
  /** How far ahead of the release message the common start instant lies (covers IPC delivery). */
  readonly startDelayMs?: number;
  /** Where the race's `lockstep-stale-*` directory is created; os.tmpdir() by default. */
  readonly parentDir?: string;
  /** Called after every run (progress). */
  readonly onRun?: (done: number) => void;
}

export interface RaceStep {
  readonly action: string;
  readonly outcome: string;
}

export interface TimedRaceStep extends RaceStep {
  readonly actor: string;
  /** When the step completed, in µs after the first contender left the start line (monotonic clock). */
  readonly atUs: number;
}

export interface StaleLockRaceRun {
  readonly run: number;
  readonly holders: readonly string[];
  /**
   * Every contender's steps, ordered by when each completed on the machine's monotonic clock. The order is
   * that of the stamps, taken right after each system call returned: a process descheduled between the two
   * could stamp late, so close stamps of different processes are approximate.
   */
  readonly timeline: readonly TimedRaceStep[];
}

export interface StaleLockRaceResult {
  readonly variant: StaleLockVariant;
  readonly contenders: number;
  readonly maxTries: number;
  readonly backoffMs: number;
  readonly jitterUs: number;
  readonly runs: number;
  /** Runs in which two or more contenders held the lock at the same moment. */
  readonly twoHolders: number;
  /** Runs in which two or more contenders read the crashed holder's dead pid (the dangerous window). */
  readonly bothSawStale: number;
  /** Runs in which nobody got the lock. */
  readonly noHolder: number;
  /** Crashed holder processes forked and killed (one per batch of stale locks). */
  readonly holdersKilled: number;
  readonly firstTwoHolders: StaleLockRaceRun | null;
  /** Median, over the runs, of how far apart (µs) the first and the last contender left the start line. */
  readonly startSkewUs: number;
  readonly elapsedMs: number;
}

function expect<T extends ChildMessage['type']>(message: ChildMessage, type: T, who: string): Extract<ChildMessage, { type: T }> {
  if (message.type === type) return message as Extract<ChildMessage, { type: T }>;
  throw new Error(`${who} said ${message.type}${message.type === 'failed' ? `: ${message.message}` : ''} instead of ${type}`);
}

export async function runStaleLockRace(options: StaleLockRaceOptions): Promise<StaleLockRaceResult> {
  const { variant, contenders, maxTries, runs, backoffMs } = options;
  const startDelayMs = options.startDelayMs ?? 5;
  const started = performance.now();
  const processes = new StaleLockProcesses(options.parentDir);
  let handles: ChildHandle[] = [];
  let twoHolders = 0;
  let bothSawStale = 0;
  let noHolder = 0;
  let firstTwoHolders: StaleLockRaceRun | null = null;
  const skews: number[] = [];
  try {
    handles = await processes.contenders(contenders);
    const names = handles.map((_, i) => `worker-${i}`);
    for (let run = 1; run <= runs; run++) {
      const stale = await processes.staleLock(variant);
      try {
        const nameOf = pidNamer(stale.holderPid, handles.map((h) => h.pid));
        const startAtNs = String(process.hrtime.bigint() + BigInt(Math.round(startDelayMs * 1e6)));
        for (const handle of handles) handle.send({ type: 'race', lockPath: stale.lockPath, settings: { variant, maxTries }, backoffMs, jitterUs: options.jitterUs, startAtNs });
        const acquired = await Promise.all(handles.map(async (h, i) => expect(await h.next(), 'acquired', names[i]!)));
        const holders = names.filter((_, i) => acquired[i]!.held);
        for (const [i, handle] of handles.entries()) if (acquired[i]!.held) handle.send({ type: 'release' });
        const finished = await Promise.all(handles.map(async (h, i) => expect(await h.next(), 'finished', names[i]!)));
        const stepsOf = (i: number): LockStep[] => [...acquired[i]!.steps, ...finished[i]!.steps];
        const sawStale = names.filter((_, i) => stepsOf(i).some((s) => s.op === 'read' && s.result.kind === 'pid' && s.result.pid === stale.holderPid));
        const starts = acquired.map((a) => BigInt(a.startedNs));
        const skew = starts.reduce((a, b) => (a > b ? a : b)) - starts.reduce((a, b) => (a < b ? a : b));
        skews.push(Number(skew) / 1000);
        if (holders.length >= 2) twoHolders++;
        if (holders.length === 0) noHolder++;
        if (sawStale.length >= 2) bothSawStale++;
        if (holders.length >= 2 && firstTwoHolders === null) {
          const origin = starts.reduce((a, b) => (a < b ? a : b));
          const timeline = names
            .flatMap((actor, i) => stepsOf(i).map((step) => ({ actor, atUs: Number(BigInt(step.atNs ?? String(origin)) - origin) / 1000, ...stepWords(step, nameOf) })))
            .sort((a, b) => a.atUs - b.atUs);
          firstTwoHolders = { run, holders, timeline };
        }
      } finally {
        processes.discard(stale);
      }
      options.onRun?.(run);
    }
    await Promise.all(handles.map((h) => processes.giveBack(h, true)));
    handles = [];
  } finally {
    await Promise.all(handles.map((h) => processes.giveBack(h, false)));
    await processes.close();
  }
  return {
    variant,
    contenders,
    maxTries,
    backoffMs,
    jitterUs: options.jitterUs,
    runs,
    twoHolders,
    bothSawStale,
    noHolder,
    holdersKilled: processes.holdersKilled,
    firstTwoHolders,
    startSkewUs: median(skews),
    elapsedMs: Math.round(performance.now() - started),
  };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

/** The result as text. */
export function renderStaleLockRace(result: StaleLockRaceResult): string {
  const lines = [
    `stale-lock race, variant ${result.variant}: ${result.contenders} contender processes released together, tries ${result.maxTries}, backoff ${result.backoffMs} ms, ${
      result.jitterUs === 0 ? 'no pause (the code as written)' : `a random pause of up to ${result.jitterUs} µs between seeing the dead pid and acting on it (widened on purpose)`
    }`,
    `${result.runs} runs, each on a lock left by a process killed with SIGKILL (${result.holdersKilled} holder processes killed), in ${result.elapsedMs} ms`,
    `median start skew between the contenders: ${result.startSkewUs} µs`,
    `runs with two holders at once: ${result.twoHolders} of ${result.runs}`,
    `runs where two contenders read the dead pid (the dangerous window): ${result.bothSawStale} of ${result.runs}`,
    `runs where nobody took the lock: ${result.noHolder} of ${result.runs}`,
  ];
  const first = result.firstTwoHolders;
  if (first !== null) {
    lines.push(`first run with two holders: run ${first.run} (${first.holders.join(' and ')}); the steps by the monotonic clock:`);
    const width = Math.max(...first.timeline.map((s) => s.atUs.toFixed(1).length));
    for (const step of first.timeline) {
      lines.push(`  +${step.atUs.toFixed(1).padStart(width)} µs  ${step.actor}  ${step.action} -> ${step.outcome}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
