/**
 * The lost-update scenario (seed 004) on the real engine: N tasks, task i penalizing host i mod H once through
 * the real async circuit-breaker code, every shared access and every await parked at the task's gate
 * (LockStepGates). Implements the RealRun seam; the observation is the model's shape, re-declared (impl/
 * never imports spec/).
 */
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { realActor, realActors, realConnection } from '../gate/real-exposed.js';
import { LockStepGates, stepOneRecord } from '../gate/step-gate.js';
import { RecordingSteps } from '../async/task-steps.js';
import { ThreadLock } from '../async/thread-lock.js';
import { HostTable, penalizeFromTask, penalizeHostLocked, penalizeHostSync, penalizeHostSyncLocked, penalizeHostUnguarded, RunMetrics } from './host-penalties.js';

export type LostUpdateGuard = 'unguarded' | 'locked';

export interface LostUpdateRunOptions {
  readonly tasks: number;
  readonly hosts: number;
  readonly guard: LostUpdateGuard;
  /** `awaited` (the default: lockstep's read, await, write) or `sync` (upstream's `_penalize_host`, no await in it). */
  readonly body?: 'awaited' | 'sync';
}

/** The model's LostUpdateObservation, declared again (structurally the same). */
export interface PenaltyTaskView {
  readonly name: string;
  readonly host: string;
  readonly status: 'running' | 'waiting' | 'done';
  /** Whether the task has written its host's new failure count. */
  readonly wrote: boolean;
}

export interface LostUpdateObservation {
  readonly tasks: readonly PenaltyTaskView[];
  /** Failures counted per host (0 when the host has no entry). */
  readonly failures: Readonly<Record<string, number>>;
}

export interface LostUpdateRealRun extends RealRun {
  observe(): LostUpdateObservation;
}

const HOST_NAMES = 'abcdefgh';
export const hostName = (index: number): string => `host-${HOST_NAMES[index] ?? String(index)}`;

export async function openLostUpdateRun(options: LostUpdateRunOptions): Promise<LostUpdateRealRun> {
  const { tasks, hosts, guard } = options;
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`tasks must be a positive integer, got ${String(tasks)}`);
  if (!Number.isInteger(hosts) || hosts < 1) throw new RangeError(`hosts must be a positive integer, got ${String(hosts)}`);
  if (guard !== 'unguarded' && guard !== 'locked') throw new RangeError(`guard must be unguarded or locked, got ${String(guard)}`);
  const actors = Array.from({ length: tasks }, (_, i) => `task-${i}`);
  const hostOf = actors.map((_, i) => hostName(i % hosts));
  const hostList = Array.from({ length: Math.min(hosts, tasks) }, (_, h) => hostName(h));
  const table = new HostTable();
  const metrics = new RunMetrics();
  const gates = new LockStepGates(actors);
  const steps = actors.map((name, i) => new RecordingSteps(name, gates.gate(i)));
  const threadLock = new ThreadLock();
  const sync = options.body === 'sync';
  const penalize = guard === 'locked' ? penalizeHostLocked : penalizeHostUnguarded;
  for (const [i, s] of steps.entries()) {
    const host = hostOf[i]!;
    const program = sync
      ? () => penalizeFromTask(s, host, guard === 'locked' ? () => penalizeHostSyncLocked(table, host, threadLock) : () => penalizeHostSync(table, host), guard === 'locked')
      : () => penalize(table, host, s, metrics.forTask(s));
    await gates.start(i, program);
  }

  const viewOf = (i: number): PenaltyTaskView => {
    const name = actors[i]!;
    const host = hostOf[i]!;
    const wrote = steps[i]!.records.some((r) => r.action === `write ${host}` || r.action.startsWith(`penalize ${host}`));
    switch (gates.status(i)) {
      case 'done':
        return { name, host, status: 'done', wrote };
      case 'failed':
        throw new Error(`${name} failed: ${String(gates.error(i))}`);
      case 'idle':
      case 'parked':
      case 'running':
        return { name, host, status: steps[i]!.waiting ? 'waiting' : 'running', wrote };
    }
  };

  let closed = false;
  return {
    actors,
    finished: (actor) => gates.settled(actor),
    async step(actor): Promise<RealStepRecord> {
      if (closed) throw new Error('the run is closed');
      const recorder = steps[actor];
      if (recorder === undefined) throw new RangeError(`no actor ${actor}`);
      if (gates.settled(actor)) throw new Error(`${actors[actor]} cannot step: it has finished`);
      // A task's program never fails here by design: a failure is the driver's contract broken, reported first.
      const record = await stepOneRecord(gates, actor, [recorder.records]).finally(() => {
        if (gates.status(actor) === 'failed') throw new Error(`${actors[actor]} failed: ${String(gates.error(actor))}`);
      });
      return { actor: actors[actor]!, ...record };
    },
    observe: () => ({
      tasks: actors.map((_, i) => viewOf(i)),
      failures: Object.fromEntries(hostList.map((h) => [h, table.hosts.get(h)?.failures ?? 0])),
    }),
    expose: () => {
      const views = actors.map((_, i) => viewOf(i));
      const holds = (name: string): string | null => (table.lock.holder === name ? 'lock' : table.lock.waiters.includes(name) ? 'queued' : null);
      return {
        actors: realActors(views, (i) => realActor(gates.status(i), views[i]!.status, `${views[i]!.host}${views[i]!.wrote ? ', wrote' : ''}`, holds(actors[i]!))),
        shared: { failures: Object.fromEntries(hostList.map((h) => [h, table.hosts.get(h)?.failures ?? 0])) },
      };
    },
    close: async () => {
      closed = true;
    },
  };
}
