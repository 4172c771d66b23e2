/**
 * The calls a thread makes in the leaked-transaction scenario, as data, and the two programs of the scenario.
 * The database calls are seed 004's (luca-nrw-scraper @ fe4afe5), each through the thread's own reused
 * connection (`get_db_connection`) and the retry decorator (`with_db_retry`):
 * - `record`: learning_db.record_dork_usage's `_record`: an UPSERT of the dork row, then COMMIT; an error leaves
 *   the call, so the decorator retries the whole function;
 * - `update-pattern`: learning_engine.record_success's `_update_pattern`: an UPSERT of the pattern row, an
 *   UPDATE of its confidence, COMMIT, all inside `try: ... except Exception: pass`, so no error ever leaves it;
 * - `report`: portal_optimizer.get_portal_health_report: one SELECT, and no COMMIT (a read never begins a
 *   transaction in Python's legacy mode, and the report never ends one);
 * - `work`: the thread's work outside the database (fetching pages), which takes time;
 * - `long-transaction`: not luca's code: another job on the same database that keeps the write lock inside one
 *   transaction while it works (BEGIN IMMEDIATE, UPDATE, work, COMMIT).
 */

export type CallKind = 'record' | 'update-pattern' | 'report' | 'work' | 'long-transaction';

export type Call =
  | { readonly kind: 'record' }
  | { readonly kind: 'update-pattern'; readonly failsAfterUpsert: boolean }
  | { readonly kind: 'report' }
  | { readonly kind: 'work'; readonly ms: number }
  | { readonly kind: 'long-transaction'; readonly ms: number };

/**
 * What keeps the write lock long enough for a write of the thread under test to fail:
 * - `leaked-lock`: a second luca thread whose `_update_pattern` meets an error after its UPSERT (injected: in WAL
 *   mode neither its UPDATE nor its COMMIT can meet a lock) and swallows it, leaving its write transaction
 *   open; it commits only at its next database call, after `holdMs` of work;
 * - `long-transaction`: another job holding the write lock in an ordinary transaction for `holdMs`.
 */
export type Holder = 'leaked-lock' | 'long-transaction';

export const HOLDERS: readonly Holder[] = ['leaked-lock', 'long-transaction'];

export interface ProgramParams {
  readonly holder: Holder;
  /** How long the holder keeps the write lock (ms of virtual time). */
  readonly holdMs: number;
  /** The thread under test's work between its database calls (ms). */
  readonly workMs: number;
  /** How many `record` calls the thread under test makes after its report. */
  readonly laterRecords: number;
  /** Whether the thread under test reads its health report after its first record (`none`: it does not read). */
  readonly report: ReportPlacement;
}

export type ReportPlacement = 'after-record' | 'none';

export const REPORT_PLACEMENTS: readonly ReportPlacement[] = ['after-record', 'none'];

/**
 * thread-0, the thread under test: a record, the health report (unless `report` is `none`), then `laterRecords`
 * times work and a record.
 * thread-1: the holder.
 */
export function programs(params: ProgramParams): readonly (readonly Call[])[] {
  const later: Call[] = [];
  for (let i = 0; i < params.laterRecords; i++) later.push({ kind: 'work', ms: params.workMs }, { kind: 'record' });
  const underTest: Call[] = [{ kind: 'record' }, ...(params.report === 'after-record' ? [{ kind: 'report' } as const] : []), ...later];
  const holder: Call[] =
    params.holder === 'leaked-lock'
      ? [{ kind: 'update-pattern', failsAfterUpsert: true }, { kind: 'work', ms: params.holdMs }, { kind: 'record' }]
      : [{ kind: 'long-transaction', ms: params.holdMs }];
  return [underTest, holder];
}
