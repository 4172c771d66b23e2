/**
 * What a user writes to have lockstep explore their code: the actors (their real code, each given a context
 * from which it opens its connections), a setup for the fresh database, and their checks. The definition is
 * plain data plus functions; sim/explore/define-scenario.ts is the public way to make one.
 *
 * Threads. A worker thread cannot receive functions, so it imports the scenario's module by URL (the
 * `module: import.meta.url` of the definition) and finds the definition there by name in this registry, which
 * `defineScenario` fills when the module is evaluated. So a threads scenario must be defined at the top level
 * of its module (not inside a function that runs later), under a name unique in that module.
 */
import type Database from 'better-sqlite3';
import type { AsyncGatedDatabase } from '../gated/async-gated-database.js';
import type { GatedDatabase } from '../gated/sync-gated-database.js';

export type Journal = 'delete' | 'wal';

/** What every actor is given. `open()` opens a gated connection to the run's database (open them before the first statement). */
export interface ThreadActorContext {
  readonly actor: string;
  readonly index: number;
  open(): GatedDatabase;
  /** Marks a scheduling point on shared state outside SQLite (its label is its footprint for reduction). */
  point(label: string): void;
}

export interface AsyncActorContext {
  readonly actor: string;
  readonly index: number;
  open(): AsyncGatedDatabase;
  point(label: string): Promise<void>;
}

export type ThreadActor = (context: ThreadActorContext) => unknown;
export type AsyncActor = (context: AsyncActorContext) => Promise<unknown>;

/** How an actor's program ended. */
export type ActorResult =
  | { readonly status: 'done'; readonly value: unknown }
  | { readonly status: 'failed'; readonly error: ActorError }
  | { readonly status: 'unfinished' };

/** An error thrown by an actor, as plain data (it may have crossed a thread). */
export interface ActorError {
  readonly name: string;
  readonly message: string;
  /** The SqliteError code, when it was one. */
  readonly code?: string;
}

/** What the user's checks see: the database (a plain read-only connection, between steps) and how each actor ended so far. */
export interface CheckView {
  readonly db: Database.Database;
  readonly results: Readonly<Record<string, ActorResult>>;
  /** Steps taken so far. */
  readonly step: number;
}

/**
 * A check passes by returning nothing or `true`; it fails by returning `false` or a message (a string), or by
 * throwing an assertion error (`name === 'AssertionError'`, as node:assert and chai throw). Any other exception
 * is reported as the check itself failing to run ("the check threw"), not as a violation.
 */
export type Check = (view: CheckView) => boolean | string | void;

interface CommonDefinition {
  /** Names the scenario in reports and replay tokens. */
  readonly name: string;
  /** Builds the fresh database once (schema and rows), on a plain better-sqlite3 connection; every run starts from a copy. */
  readonly setup?: (db: Database.Database) => void;
  /** Judged after every step (a safety property). */
  readonly invariant?: Check;
  /** Judged once when the run has ended (an outcome property). */
  readonly check?: Check;
  /** journal_mode of the database: 'delete' (rollback journal, the default) or 'wal'. */
  readonly journal?: Journal;
  /** The virtual busy timeout of every connection in ms (better-sqlite3's `timeout`, default 5000); 0: SQLite never waits. */
  readonly busyTimeoutMs?: number;
  /**
   * Whether an actor that throws breaks the run (the default, property `actors-finish`). Set it to false when
   * the checks judge the actors' results themselves.
   */
  readonly actorErrorsFail?: boolean;
}

export interface AsyncScenarioDefinition extends CommonDefinition {
  readonly runtime: 'async';
  readonly actors: Readonly<Record<string, AsyncActor>>;
}

export interface ThreadsScenarioDefinition extends CommonDefinition {
  readonly runtime: 'threads';
  /** The defining module's `import.meta.url`: each worker thread imports it to find the actors. */
  readonly module: string;
  readonly actors: Readonly<Record<string, ThreadActor>>;
}

export type ScenarioDefinition = AsyncScenarioDefinition | ThreadsScenarioDefinition;

const registry = new Map<string, ThreadsScenarioDefinition>();

const keyOf = (module: string, name: string): string => `${module}#${name}`;

/** Called by defineScenario for a threads scenario, when its module is evaluated. */
export function registerThreadsScenario(definition: ThreadsScenarioDefinition): void {
  registry.set(keyOf(definition.module, definition.name), definition);
}

/** The definition a worker thread looks up after importing the module. */
export function findThreadsScenario(module: string, name: string): ThreadsScenarioDefinition | undefined {
  return registry.get(keyOf(module, name));
}

/** Plain data for an error an actor threw. */
export function actorErrorOf(error: unknown): ActorError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}
