/**
 * The stale-lock scenario (seed 003, bolt) on the real engine: real child processes running the real lock
 * code (pid-lock-file.ts) on real files, one file-system step at a time. Before the run a real process took
 * the lock and was killed with SIGKILL (stale-lock-processes.ts); each contender is a forked process that
 * parks before every step, and `step(actor)` is an IPC round trip: 'go' to that process, then its next
 * 'parked' (or 'finished') with the step it took. Implements the RealRun seam (engine-seam.ts); the records
 * and the observation use the model's words and shape, re-declared here (impl/ never imports spec/).
 *
 * The observation is what each process reports it believes (trying, holding, released, gave up) and what the
 * lock file holds, read by the parent between steps, when every contender is parked.
 */
import { readFileSync } from 'node:fs';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import type { StaleLockVariant } from './pid-lock-file.js';
import type { Belief, ChildMessage } from './protocol.js';
import { sharedStaleLockProcesses, type ChildHandle, type StaleLockProcesses } from './stale-lock-processes.js';
import { pidNamer, stepWords } from './stale-lock-words.js';

export interface StaleLockRunOptions {
  readonly variant: StaleLockVariant;
  readonly contenders: number;
  readonly maxTries: number;
  /** Where processes and directories come from; the shared, self-closing instance by default. */
  readonly processes?: StaleLockProcesses;
}

/** The model's StaleLockObservation, declared again (structurally the same). */
export interface ContenderView {
  readonly name: string;
  readonly status: Belief;
}

export interface StaleLockObservation {
  readonly contenders: readonly ContenderView[];
  readonly lockFile: string | null;
}

export interface StaleLockRealRun extends RealRun {
  readonly dir: string;
  readonly holderPid: number;
  readonly contenderPids: readonly number[];
  observe(): StaleLockObservation;
}

function validate(options: StaleLockRunOptions): void {
  const { variant, contenders, maxTries } = options;
  if (variant !== 'check-then-remove' && variant !== 'tombstone') throw new RangeError(`variant must be check-then-remove or tombstone, got ${String(variant)}`);
  if (!Number.isInteger(contenders) || contenders < 1) throw new RangeError(`contenders must be a positive integer, got ${String(contenders)}`);
  if (!Number.isInteger(maxTries) || maxTries < 1) throw new RangeError(`maxTries must be a positive integer, got ${String(maxTries)}`);
}

/** The lock file's content, named: whose pid it holds, 'empty', or null when there is none. */
export function readLockOwner(lockPath: string, nameOf: (pid: number) => string): string | null {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const match = /^(\d+) [0-9a-f]+\n$/.exec(text);
  return match === null ? 'empty' : nameOf(Number(match[1]));
}

/** Opens a lock-step run: the stale lock in place, every contender parked before its first step. */
export async function openStaleLockRun(options: StaleLockRunOptions): Promise<StaleLockRealRun> {
  validate(options);
  const processes = options.processes ?? sharedStaleLockProcesses();
  processes.lease();
  let handles: ChildHandle[] = [];
  let stale: Awaited<ReturnType<StaleLockProcesses['staleLock']>> | null = null;
  const beliefs: Belief[] = [];
  const finished: boolean[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await Promise.all(handles.map((h, i) => processes.giveBack(h, finished[i] === true)));
    } finally {
      if (stale !== null) processes.discard(stale);
      processes.unlease();
    }
  };
  try {
    stale = await processes.staleLock(options.variant);
    handles = await processes.contenders(options.contenders);
    const actors = handles.map((_, i) => `worker-${i}`);
    const nameOf = pidNamer(stale.holderPid, handles.map((h) => h.pid));
    const lockPath = stale.lockPath;
    for (const handle of handles) {
      handle.send({ type: 'lock-step', lockPath, settings: { variant: options.variant, maxTries: options.maxTries } });
      beliefs.push('trying');
      finished.push(false);
    }
    for (const [i, handle] of handles.entries()) {
      const first = await handle.next();
      if (first.type !== 'parked' || first.steps.length > 0) throw new Error(`${actors[i]} did not park before its first step (it ${describe(first)})`);
    }
    return {
      actors,
      dir: stale.dir,
      holderPid: stale.holderPid,
      contenderPids: handles.map((h) => h.pid),
      finished: (actor) => finished[actor] === true,
      async step(actor): Promise<RealStepRecord> {
        if (closed) throw new Error('the run is closed');
        const handle = handles[actor];
        if (handle === undefined) throw new RangeError(`no actor ${actor}`);
        if (finished[actor] === true) throw new Error(`${actors[actor]} cannot step: it has finished`);
        handle.send({ type: 'go' });
        const answer = await handle.next();
        if (answer.type !== 'parked' && answer.type !== 'finished') throw new Error(`${actors[actor]} ${describe(answer)}`);
        beliefs[actor] = answer.belief;
        if (answer.type === 'finished') finished[actor] = true;
        const step = answer.steps[0];
        if (step === undefined || answer.steps.length > 1) throw new Error(`${actors[actor]} took ${answer.steps.length} steps in one`);
        return { actor: actors[actor]!, ...stepWords(step, nameOf) };
      },
      observe: (): StaleLockObservation => ({
        contenders: actors.map((name, i) => ({ name, status: beliefs[i]! })),
        lockFile: closed ? null : readLockOwner(lockPath, nameOf),
      }),
      expose: () => {
        const lockFile = closed ? null : readLockOwner(lockPath, nameOf);
        const views = actors.map((name, i) => ({ name, status: beliefs[i]! }));
        return {
          actors: realActors(views, (i) => realActor(finished[i] === true ? 'finished' : 'parked', views[i]!.status, null, views[i]!.status === 'holding' ? 'holds' : null)),
          shared: { lock: lockFile === null ? null : lockFile === 'empty' ? 'empty' : `pid of ${lockFile}` },
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function describe(message: ChildMessage): string {
  return message.type === 'failed' ? `failed: ${message.message}` : `said ${message.type}`;
}
