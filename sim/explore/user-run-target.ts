/**
 * The user's code as a RunTarget (sim/strategies/strategy.ts): every run starts from a fresh copy of the
 * template database, runs the actors on their runtime under the strategy's chooser, runs the SQLite lock model
 * beside (lock-model-beside.ts), and judges the user's checks: the invariant after every step, the actors'
 * errors and the end check when the run has ended. There is no model of the user's code: exploration is
 * stateless, one real run per schedule.
 *
 * Footprints (for reduction): a statement that reads touches 'db' for reading; one that can change a lock or a
 * row (write, COMMIT, ROLLBACK, BEGIN IMMEDIATE/EXCLUSIVE) writes 'db'; BEGIN DEFERRED and savepoint
 * bookkeeping touch nothing shared; a point writes its label. That is sound when the actors share nothing but
 * the database and the points they mark: code between two scheduling points must not touch state another actor
 * reads (docs/your-own-code.md, "What lockstep assumes").
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepRecord } from '../../spec/scenario-model.js';
import type { PendingStep } from '../../impl/gated/actor-channel.js';
import { isBusyCode, sqliteCodeOf } from '../../impl/gated/connection-gate.js';
import { openAsyncRun, type UserRun, type UserRunOptions } from '../../impl/runtime/async-runtime.js';
import { buildTemplate, removeDatabase, resetFromTemplate } from '../../impl/runtime/run-database.js';
import { StallError } from '../../impl/runtime/run-driver.js';
import type { ActorResult, Check, CheckView, ScenarioDefinition } from '../../impl/runtime/scenario-definition.js';
import { ActorThreads, openThreadsRun, ScenarioLoadError } from '../../impl/runtime/threads-runtime.js';
import type { Chooser, Footprint, RunReport, RunTarget } from '../strategies/strategy.js';
import type { Violation } from '../verdict.js';
import { ExploreFault } from './explore-fault.js';
import { LockModelBeside } from './lock-model-beside.js';

export interface TargetSettings {
  readonly stallTimeoutMs: number;
  /** The longest run, in steps; a longer one is the fault `step-bound` (a livelock in the user's code, or a bound too small). */
  readonly maxSteps: number;
}

export interface UserRunReport extends RunReport {
  /** The run's connections (named after their actors), as numbered by their first statement. */
  readonly connections: readonly string[];
  /** After each step, the lock each connection holds by the lock model (as many entries as connections then). */
  readonly locks: readonly (readonly string[])[];
  /** Before each step, the footprint of every actor's next step (null for an actor that could not step). */
  readonly pendingFootprints: readonly (readonly (Footprint | null)[])[];
  readonly results: Readonly<Record<string, ActorResult>>;
  /** Steps on which the lock model answered otherwise than real SQLite: lockstep defects, not the user's. */
  readonly disagreements: readonly string[];
}

export function footprintOf(pending: PendingStep | null): Footprint | null {
  if (pending === null) return null;
  if (pending.type === 'point') return { reads: [], writes: [`point:${pending.label}`] };
  switch (pending.kind) {
    case null:
    case 'begin-deferred':
      return { reads: [], writes: [] };
    case 'read':
      return { reads: ['db'], writes: [] };
    case 'write':
    case 'commit':
    case 'rollback':
    case 'begin-immediate':
    case 'begin-exclusive':
      return { reads: [], writes: ['db'] };
  }
}

/** Whether two footprints commute (neither writes what the other reads or writes). */
export function independent(a: Footprint | null, b: Footprint | null): boolean {
  if (a === null || b === null) return false;
  const touches = (f: Footprint, name: string): boolean => f.reads.includes(name) || f.writes.includes(name);
  return !a.writes.some((w) => touches(b, w)) && !b.writes.some((w) => touches(a, w));
}

const isAssertion = (error: unknown): boolean => error instanceof Error && /^AssertionError/.test(error.name);

type CheckOutcome = { readonly pass: true } | { readonly pass: false; readonly message: string } | { readonly unobservable: true };

/** Runs one user check. An assertion error or a false/string answer fails it; any other exception is a fault. */
function runCheck(check: Check, view: CheckView, what: 'invariant' | 'check'): CheckOutcome | { readonly threw: unknown } {
  try {
    const answer = check(view);
    if (answer === false) return { pass: false, message: `the ${what} returned false` };
    if (typeof answer === 'string') return { pass: false, message: answer };
    return { pass: true };
  } catch (error) {
    if (isAssertion(error)) return { pass: false, message: (error as Error).message };
    // A read refused because a writer holds PENDING or EXCLUSIVE (rollback journal): nothing can be seen now.
    const code = sqliteCodeOf(error);
    if (what === 'invariant' && code !== null && isBusyCode(code)) return { unobservable: true };
    return { threw: error };
  }
}

const describeThrown = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

export class UserRunTarget implements RunTarget {
  readonly actors: readonly string[];
  private readonly dir: string;
  private readonly template: string;
  private file: string;
  private runs = 0;
  private readonly threads: ActorThreads | null;
  private readonly journal: 'delete' | 'wal';
  private readonly busyTimeoutMs: number;
  private closed = false;
  /** The lock model's disagreements with real SQLite over every run so far (lockstep defects), first 20. */
  readonly disagreements: string[] = [];
  private readonly onExit = (): void => this.removeFiles();

  constructor(
    readonly definition: ScenarioDefinition,
    private readonly settings: TargetSettings,
  ) {
    this.actors = Object.keys(definition.actors);
    if (this.actors.length === 0) throw new RangeError(`scenario "${definition.name}" has no actors`);
    this.journal = definition.journal ?? 'delete';
    this.busyTimeoutMs = definition.busyTimeoutMs ?? 5000;
    this.dir = mkdtempSync(join(tmpdir(), 'lockstep-explore-'));
    process.on('exit', this.onExit);
    this.template = join(this.dir, 'template.db');
    this.file = join(this.dir, 'run.db');
    try {
      buildTemplate(this.template, this.journal, definition.setup);
    } catch (error) {
      this.removeFiles();
      throw error;
    }
    this.threads = definition.runtime === 'threads' ? new ActorThreads(this.actors.length) : null;
  }

  /** The folder this target works in (gone after close()). */
  get workDir(): string {
    return this.dir;
  }

  async run(chooser: Chooser): Promise<UserRunReport> {
    if (this.closed) throw new Error('the exploration is closed');
    // A new file name per run: SQLite keeps per-inode lock state (and closed connections' descriptors) in the
    // process, so a file overwritten in place could inherit the last run's; the old copy is removed.
    const previous = this.file;
    this.file = join(this.dir, `run-${++this.runs}.db`);
    resetFromTemplate(this.template, this.file);
    removeDatabase(previous);
    const options: UserRunOptions = { file: this.file, journal: this.journal, busyTimeoutMs: this.busyTimeoutMs, stallTimeoutMs: this.settings.stallTimeoutMs };
    const { definition } = this;
    const schedule: number[] = [];
    const steps: StepRecord[] = [];
    const enabledLog: number[][] = [];
    const footprints: (Footprint | null)[] = [];
    const pendingFootprints: (Footprint | null)[][] = [];
    const locks: string[][] = [];
    const model = new LockModelBeside(this.journal);
    let run: UserRun | null = null;
    let observer: Database.Database | null = null;
    const fault = (kind: ConstructorParameters<typeof ExploreFault>[0], message: string): ExploreFault =>
      new ExploreFault(kind, message, [...schedule], [...steps], locks.map((l) => [...l]), run === null ? [] : [...run.connections]);
    try {
      try {
        run = definition.runtime === 'threads' ? await openThreadsRun(definition, this.threads!, options) : await openAsyncRun(definition, options);
      } catch (error) {
        if (error instanceof StallError) throw fault(error.everyActorBlocked && error.stalled.length > 1 ? 'deadlock' : 'stall', error.message);
        if (error instanceof ScenarioLoadError) throw fault('load', error.message);
        throw error;
      }
      if (definition.invariant !== undefined || definition.check !== undefined) {
        observer = new Database(this.file, { timeout: 0, fileMustExist: true });
        observer.pragma('query_only = ON');
      }
      const view = (): CheckView => ({ db: observer!, results: run!.results(), step: steps.length });
      let violation: Violation | null = null;
      let ended = false;
      for (;;) {
        const enabled = run.enabled();
        if (enabled.length === 0) {
          ended = true;
          break;
        }
        const current = run;
        const actor = chooser.next(enabled, steps.length, (a) => (enabled.includes(a) ? footprintOf(current.pending(a)) : null));
        if (actor === null) break;
        if (!enabled.includes(actor)) throw new Error(`the strategy chose ${this.actors[actor] ?? actor}, which cannot step now (enabled: ${enabled.join(', ')})`);
        if (steps.length >= this.settings.maxSteps) throw fault('step-bound', `a run went past ${this.settings.maxSteps} steps (maxSteps): an actor may retry forever (a livelock), or the bound is too small for this scenario`);
        pendingFootprints.push(this.actors.map((_, i) => (enabled.includes(i) ? footprintOf(run!.pending(i)) : null)));
        footprints.push(footprintOf(run.pending(actor)));
        enabledLog.push([...enabled]);
        let record;
        try {
          record = await run.step(actor);
        } catch (error) {
          if (error instanceof StallError) {
            schedule.push(actor);
            throw fault(error.everyActorBlocked && error.stalled.length > 1 ? 'deadlock' : 'stall', error.message);
          }
          throw error;
        }
        schedule.push(actor);
        steps.push({ actor: record.actor, action: record.action, outcome: record.outcome });
        if (record.sql !== undefined) model.step(record.sql, `step ${steps.length} (${record.actor}: ${record.action})`);
        locks.push(model.locks(run.connections.length));
        if (definition.invariant !== undefined) {
          const outcome = runCheck(definition.invariant, view(), 'invariant');
          if ('threw' in outcome) throw fault('check-threw', `the invariant threw after step ${steps.length}: ${describeThrown(outcome.threw)}`);
          if ('pass' in outcome && !outcome.pass) {
            violation = { property: 'invariant', message: `after step ${steps.length}: ${outcome.message}` };
            break;
          }
        }
      }
      for (const d of model.disagreements) if (this.disagreements.length < 20 && !this.disagreements.includes(d)) this.disagreements.push(d);
      const results = run.results();
      if (ended && violation === null && definition.actorErrorsFail !== false) {
        const failed = Object.entries(results).find(([, r]) => r.status === 'failed');
        if (failed !== undefined && failed[1].status === 'failed') {
          const { error } = failed[1];
          violation = { property: 'actors-finish', message: `${failed[0]} threw ${error.name}${error.code === undefined ? '' : ` (${error.code})`}: ${error.message}` };
        }
      }
      if (ended && violation === null && definition.check !== undefined) {
        const outcome = runCheck(definition.check, view(), 'check');
        if ('threw' in outcome) throw fault('check-threw', `the check threw when the run ended: ${describeThrown(outcome.threw)}`);
        if ('pass' in outcome && !outcome.pass) violation = { property: 'check', message: outcome.message };
      }
      return {
        schedule,
        steps,
        enabled: enabledLog,
        footprints,
        pendingFootprints,
        violation,
        notable: steps.some((st) => st.outcome.endsWith(', waits')) ? ['busy-wait'] : [],
        ended,
        connections: [...run.connections],
        locks,
        results,
        disagreements: model.disagreements,
      };
    } finally {
      if (observer?.open) observer.close();
      await run?.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.threads?.close();
    } finally {
      this.removeFiles();
    }
  }

  private removeFiles(): void {
    process.removeListener('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
