/**
 * The per-host circuit breaker of seed 004 (luca-nrw-scraper, http/retry.py), as its authors would write it in
 * TypeScript: a process-wide table of host states; each failure of a request to a host penalizes it (one more
 * failure, a longer penalty).
 *
 * `penalizeHostSync` is `_penalize_host` as upstream had it before the fix (f68737a): the read-modify-write is
 * synchronous, so on one event loop nothing can come between the read and the write; `penalizeHostSyncLocked`
 * is the fix (5cb4a38): the same under a thread lock. `penalizeHostUnguarded` is lockstep's own awaited form:
 * it reads the count, awaits a report to the run's metrics, and writes count + 1, so that the write-up's lost
 * update exists on one event loop; `penalizeHostLocked` is that form under an asyncio-style lock.
 *
 * Every shared access and every await go through the task's TaskSteps (a gate first).
 */
import { AsyncMutex } from '../async/async-mutex.js';
import type { ThreadLock } from '../async/thread-lock.js';
import type { TaskSteps } from '../async/task-steps.js';
import { withLock } from '../async/with-lock.js';

/** The seed's circuit-breaker settings (seconds). */
export const CB_BASE_PENALTY = 30;
export const CB_MAX_PENALTY = 900;

export interface HostState {
  readonly failures: number;
  readonly penaltySeconds: number;
}

/** Doubling penalty per consecutive failure, capped. */
export function penaltyFor(failures: number): number {
  return Math.min(CB_BASE_PENALTY * 2 ** (failures - 1), CB_MAX_PENALTY);
}

/** The module-level state of retry.py: host states, and the lock the fix added. */
export class HostTable {
  readonly hosts = new Map<string, HostState>();
  readonly lock = new AsyncMutex();
}

/** Where penalties are reported; asynchronous, as a metrics or log sink is. */
export interface MetricsSink {
  record(event: string): Promise<void>;
}

/** Lockstep's awaited form: read, await the report, write. */
export async function penalizeHostUnguarded(table: HostTable, host: string, steps: TaskSteps, metrics: MetricsSink): Promise<HostState> {
  const before = await steps.access(`read ${host}`, () => table.hosts.get(host)?.failures ?? 0, (failures) => `failures ${failures}`);
  const failures = before + 1;
  const state: HostState = { failures, penaltySeconds: penaltyFor(failures) };
  await metrics.record(`penalized ${host}`);
  await steps.access(`write ${host}`, () => table.hosts.set(host, state), () => `failures ${failures}, penalty ${state.penaltySeconds} s`);
  return state;
}

/** The fix: the same read-modify-write under the table's lock. */
export function penalizeHostLocked(table: HostTable, host: string, steps: TaskSteps, metrics: MetricsSink): Promise<HostState> {
  return withLock(table.lock, steps, () => penalizeHostUnguarded(table, host, steps, metrics));
}

/** `_penalize_host` as upstream shipped it (f68737a): the read-modify-write with no await in it. */
export function penalizeHostSync(table: HostTable, host: string): HostState {
  const failures = (table.hosts.get(host)?.failures ?? 0) + 1;
  const state: HostState = { failures, penaltySeconds: penaltyFor(failures) };
  table.hosts.set(host, state);
  return state;
}

/** `_penalize_host` as upstream fixed it (5cb4a38): the same body under a thread lock (`with _HOST_STATE_LOCK:`). */
export function penalizeHostSyncLocked(table: HostTable, host: string, lock: ThreadLock): HostState {
  lock.acquire();
  try {
    return penalizeHostSync(table, host);
  } finally {
    lock.release();
  }
}

/**
 * How an async task calls the synchronous `_penalize_host`: at its turn (one gate), and the whole call runs
 * before anything else on the loop can.
 */
export function penalizeFromTask(steps: TaskSteps, host: string, call: () => HostState, locked: boolean): Promise<HostState> {
  return steps.access(locked ? `penalize ${host} under the lock` : `penalize ${host}`, call, (state) => `failures ${state.failures}, penalty ${state.penaltySeconds} s`);
}

/** An in-memory metrics sink: the run's event list, appended at the task's gate (one step). */
export class RunMetrics {
  readonly events: string[] = [];

  forTask(steps: TaskSteps): MetricsSink {
    return { record: (event) => steps.access('await metrics.record()', () => void this.events.push(event)) };
  }
}
