/**
 * The scenario catalogue: every scenario, its variants, and what each variant is documented to do. `check
 * --all` runs each on both engines and compares the verdict with this expectation. Buggy variants are kept
 * on purpose: each must really fail its property, computed at check time.
 */
export type Expectation =
  | { readonly verdict: 'violation'; readonly property: string }
  | { readonly verdict: 'holds' };

/** The same variant under other parameters than the defaults (a fault, a threshold), and what it does there. */
export interface ParamsEntry {
  /** Parameter values by name (the binding's parameter names), merged over the defaults. */
  readonly params: Readonly<Record<string, string | number>>;
  readonly summary: string;
  readonly expected: Expectation;
}

/**
 * Where a variant comes from (DESIGN.md, "Provenance"), shown by `list`, `list --json` and every docs page:
 * - `write-up`: the code as the seed's write-up describes it (which may differ from what was committed);
 * - `upstream`: the code as the upstream repository had it at a named commit (../shared/seed-systems.md says
 *   what each function did there);
 * - `lockstep`: lockstep's own variant (a fix of our design, a yield point the original lacks, ...), with the
 *   reason it exists.
 */
export type Provenance =
  | { readonly kind: 'write-up'; readonly seed: string; readonly note: string }
  | { readonly kind: 'upstream'; readonly repository: string; readonly commit: string; readonly note: string }
  | { readonly kind: 'lockstep'; readonly reason: string };

export interface VariantEntry {
  readonly name: string;
  readonly summary: string;
  /** Required once every variant is labelled (issue "Faithful to the real systems"). */
  readonly provenance?: Provenance;
  readonly expected: Expectation;
  /** Further documented runs of this variant, each checked by `check --all` like the default one. */
  readonly alsoUnder?: readonly ParamsEntry[];
}

export interface ScenarioEntry {
  readonly name: string;
  readonly seed: string;
  readonly summary: string;
  readonly variants: readonly VariantEntry[];
  /**
   * Parameter sets (overrides of the defaults) that `check --all` runs every variant under, when one set of
   * defaults does not cover the scenario (e.g. both journal modes). Absent: the defaults alone.
   */
  readonly checkAllParams?: readonly Readonly<Record<string, string | number>>[];
}

/** The upstream repository of seeds 000 and 001, and the commits ../shared/seed-systems.md §1 reads. */
const VOXLOGICA = 'VoxLogicA-Project/VoxLogicA-2';
const VOXLOGICA_V1 = '02986bf0a72689d4c23325570f2b08a58cc1a356';
const VOXLOGICA_V2 = '2451df076e4b04f0bb959a7187a5de3a99c473eb';
const SEED_000 = '000_5f611420c1095247.txt';
const SEED_001 = '001_1302624bc360a248.txt';

/**
 * lifecycle's fault: the claimant dies before executing. The losers wait for a claim nobody will complete; a
 * process started after the 1 h threshold runs the engine start's cleanup, which marks the claim failed, and
 * then cannot claim the operation either (every-waiter-gets-the-result fails, whatever the variant).
 */
const CRASH_AFTER_CLAIM: ParamsEntry = {
  params: { fault: 'crash-after-claim' },
  summary: 'the claimant crashes after its claim: the waiters give up; a process started after the 1 h threshold marks the claim failed and cannot claim the operation either',
  expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
};

/**
 * lifecycle's other fault: the claimant stops for 3700 s with its claim held. The cleanup at the late
 * process's start cannot tell it from a dead one and marks its claim failed; the sleeper wakes and executes
 * (once: nobody else could claim), and in the fixed code its mark_completed turns the failed row completed.
 */
const STALL_AFTER_CLAIM: ParamsEntry = {
  params: { fault: 'stall-after-claim' },
  summary: 'the claimant stalls 3700 s after its claim: the late process marks its live claim failed at t=3601s; the waiters are not served, nobody executes twice',
  expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
};

export const CATALOGUE: readonly ScenarioEntry[] = [
  {
    name: 'tickets',
    seed: '002_17f899e450266be6.txt (Actifix)',
    summary: 'workers lock tickets in a transaction; DEFERRED readers cannot become the writer and fail at once',
    checkAllParams: [{ journal: 'delete' }, { journal: 'wal' }],
    variants: [
      {
        name: 'deferred',
        summary: 'BEGIN (DEFERRED): read, then write; only one reader can upgrade, the others get SQLITE_BUSY at once',
        expected: { verdict: 'violation', property: 'every-worker-acquires' },
      },
      {
        name: 'immediate',
        summary: 'BEGIN IMMEDIATE: the write lock is asked for with no transaction open, so each waits its turn',
        expected: { verdict: 'holds' },
      },
    ],
  },
  {
    name: 'lifecycle',
    seed: `${SEED_000} (VoxLogicA-2)`,
    summary:
      'workers claim one operation (INSERT OR IGNORE + read-back), the winner executes and stores, the others and a late waiter wait (300 s timeout) for a per-operation event or for callbacks fired by a notifier per process polling every 100 ms (scheduled only when a poll fires; stops when everybody else has finished); --fault crash-after-claim kills the claimant, --fault stall-after-claim pauses it, and either adds processes started after the 1 h stale-claim threshold (--late-workers), whose engine start cleans stale claims up (--cleanup); --start stale-completion begins with a completed row and no result',
    variants: [
      {
        name: 'missing-complete',
        summary: "callbacks + notifier, the write-up's wait (register, wait, fetch): store() but no mark_completed, so the notifier never sees completed and waiters time out",
        provenance: {
          kind: 'write-up',
          seed: SEED_000,
          note: "the root cause (store() and no mark_completed) and the redesign's wait as the write-up sketches it; a loser that reads the claim completed fetches at once, lockstep's shortcut (no version of VoxLogicA has it)",
        },
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [CRASH_AFTER_CLAIM, STALL_AFTER_CLAIM],
      },
      {
        name: 'fixed',
        summary: "the write-up's fix: mark_completed right after store(); every waiter is woken by the next poll",
        provenance: { kind: 'write-up', seed: SEED_000, note: 'the fix as the write-up gives it (mark_completed right after store), on the same path as missing-complete' },
        expected: { verdict: 'holds' },
        alsoUnder: [
          CRASH_AFTER_CLAIM,
          {
            params: { fault: 'crash-after-claim', staleMs: 60_000 },
            summary: 'a stale threshold of 60 s does not help: the late process (t=61s) marks the claim failed, and nothing ever completes the operation',
            expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
          },
          {
            params: { fault: 'crash-after-claim', staleMs: 60_000, cleanup: 'delete' },
            summary: "lockstep's what-if, a cleanup that deletes stale claims: the late process (t=61s) claims afresh, executes, completes, and the notifier wakes the waiters before their 300 s",
            expected: { verdict: 'holds' },
          },
          STALL_AFTER_CLAIM,
          {
            params: { fault: 'stall-after-claim', cleanup: 'delete' },
            summary: "lockstep's what-if, a cleanup that deletes stale claims: the late process deletes the live claim at t=3601s and executes, the sleeper wakes and executes again",
            expected: { verdict: 'violation', property: 'at-most-one-executor' },
          },
          {
            params: { fault: 'stall-after-claim', stallMs: 100_000 },
            summary: 'a stall of 100 s, shorter than the wait and the threshold: the claimant completes late, the notifier wakes the waiters, nobody else executes',
            expected: { verdict: 'holds' },
          },
        ],
      },
      {
        name: 'event-cleanup',
        summary: 'the first design: one event per operation, set by store(), popped by every waiter when its wait ends; a waiter that comes after the pop waits on a fresh event nobody sets',
        provenance: {
          kind: 'lockstep',
          reason:
            "the write-up's third thread (a waiter that creates a fresh event after the first one was cleaned up), with the pop in a finally so that it needs no earlier 300 s timeout; d3648d9 pops the event on a timeout only, and looks the result up before it waits",
        },
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [CRASH_AFTER_CLAIM, STALL_AFTER_CLAIM],
      },
      {
        name: 'exists-first',
        summary: "02986bf's wait: exists() and a failed status are checked before registering; no mark_completed, so only a waiter that registered before the store hangs",
        provenance: {
          kind: 'upstream',
          repository: VOXLOGICA,
          commit: VOXLOGICA_V1,
          note: "wait_for_completion, mark_running, store()'s exists() check and the engine start's cleanup (running -> failed) as committed, no mark_completed; store() writes at once here (02986bf queues the write: that gap is the writer-gap scenario)",
        },
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [
          {
            params: { fault: 'crash-after-claim', lateWorkers: 2 },
            summary: 'the claimant crashes: the first later process marks the claim failed and both later processes fail at once ("Operation failed"): the operation is failed for every later run',
            expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
          },
          {
            params: { start: 'stale-completion', workers: 2, lateWaiters: 0 },
            summary: 'a completed row whose result an earlier run kept in memory: both callers are woken by the first poll and get "completed but result not found" (seed 001\'s cross-run message)',
            expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
          },
        ],
      },
      {
        name: 'exists-first-fixed',
        summary: "02986bf's wait with mark_completed right after store(): a waiter that registered before the store is woken by the next poll",
        provenance: { kind: 'write-up', seed: SEED_001, note: "the seed-001 write-up's fix 2 (mark_completed right after store) on 02986bf's path; 2451df0 shipped it only for persisted results (fail-fast)" },
        expected: { verdict: 'holds' },
      },
      {
        name: 'fail-fast',
        summary: "2451df0's wait: a caller in another process that finds the row running raises at once; a completed row without a result is deleted \"for retry\" before the wait raises",
        provenance: {
          kind: 'upstream',
          repository: VOXLOGICA,
          commit: VOXLOGICA_V2,
          note: "_wait_for_result and wait_for_completion (allow_non_persistable=False), the synchronous store, is_persistable before mark_completed, the engine start's cleanup; every caller a process of its own (2451df0's in-process futures and memory cache are left out)",
        },
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [
          {
            params: { start: 'stale-completion', workers: 2, lateWaiters: 0 },
            summary: 'a completed row without a result: the first caller woken deletes it "for retry" and raises; the other claims afresh and executes (with 4 processes two of them execute: check ... --workers 4 --property at-most-one-executor)',
            expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
          },
        ],
      },
    ],
  },
  {
    name: 'writer-gap',
    seed: `${SEED_001} (VoxLogicA-2), race 1; the redesign of 000`,
    summary: 'store() hands the result to a background writer; the operation is marked completed before the row lands, and the notifier can wake a waiter in between; 2451df0 stores executed results synchronously instead',
    variants: [
      {
        name: 'queued',
        summary: 'store() only queues the write and returns; a waiter the notifier wakes in the gap finds neither the row nor a memory copy',
        provenance: {
          kind: 'write-up',
          seed: SEED_001,
          note: "race 1 as the write-up tells it: 02986bf's queued store() and SQLite-first retrieve(), with the mark_completed after store() of the working copy the write-up describes (02986bf's commit has none)",
        },
        expected: { verdict: 'violation', property: 'completed-implies-retrievable' },
      },
      {
        name: 'memory-cache',
        summary: "the write-up's fix with 2451df0's read order: memory copy before queueing, evicted after the row is written; retrieve reads memory, then SQLite",
        provenance: {
          kind: 'upstream',
          repository: VOXLOGICA,
          commit: VOXLOGICA_V2,
          note: "2451df0's queued store(), writer eviction and memory-first retrieve(); there the queued path serves constants and executed results take the synchronous path (persisted): the mark_completed after a queued store() is the write-up's",
        },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { fault: 'write-fails' },
            summary: 'every background write fails (SQLITE_FULL, a full disk): every caller is served from memory, and the result is gone after a restart',
            expected: { verdict: 'violation', property: 'no-result-lost-after-restart' },
          },
          {
            params: { restart: 'any-time' },
            summary: 'the process may crash at any step: a crash between UPDATE status = completed and the writer\'s INSERT leaves completed with no result',
            expected: { verdict: 'violation', property: 'no-result-lost-after-restart' },
          },
          {
            params: { wake: 'poll' },
            summary: 'no notifier: each waiter polls SELECT status itself (the loop the redesign replaced); the fix holds there too',
            expected: { verdict: 'holds' },
          },
        ],
      },
      {
        name: 'db-first',
        summary: "the write-up's fix as it was written, on code whose retrieve reads SQLite first: the row lands and the copy is evicted between its two reads",
        provenance: {
          kind: 'write-up',
          seed: SEED_001,
          note: "the fix the write-up gives (memory copy before queueing, eviction after the write, mark_completed) applied to the code it was written for, 02986bf's retrieve() that reads SQLite first; the memory-first order came with 2451df0 (memory-cache)",
        },
        expected: { verdict: 'violation', property: 'completed-implies-retrievable' },
      },
      {
        name: 'persisted',
        summary: "2451df0's synchronous path: store at once, mark completed only if is_persistable(), threads wait on the claimant's future; one that looks for the future before the claimant registered it falls through and raises at once on the running row",
        provenance: {
          kind: 'upstream',
          repository: VOXLOGICA,
          commit: VOXLOGICA_V2,
          note: '_execute_pure_operation, store(ensure_persisted=True), is_persistable, the futures table, _wait_for_result and wait_for_completion(allow_non_persistable=False) as committed; the reader is the goal that reads storage after the computation',
        },
        expected: { verdict: 'violation', property: 'every-caller-gets-the-result' },
        alsoUnder: [
          {
            params: { fault: 'persist-busy', restart: 'after-threshold' },
            summary: "the persist meets another process's write lock past the busy timeout: logged, memory copy kept, never marked completed; the next engine start after the 1 h threshold marks the row failed, and no later run can claim it",
            expected: { verdict: 'violation', property: 'no-operation-stranded' },
          },
        ],
      },
    ],
  },
  {
    name: 'stale-lock',
    seed: '003_32051bd236dd5375.txt (bolt)',
    summary: 'a pid lock file with stale-lock recovery: a crashed holder left its lock; live processes race to break it',
    variants: [
      {
        name: 'check-then-remove',
        summary: 'read the pid, see it dead, unlink the lock, create it again: a second breaker unlinks the first one\'s fresh lock',
        expected: { verdict: 'violation', property: 'mutual-exclusion' },
      },
      {
        name: 'tombstone',
        summary: 'before unlinking, create lock.broken-<pid>-<token> exclusively: only one contender may break a given stale lock',
        expected: { verdict: 'holds' },
      },
    ],
  },
  {
    name: 'retry',
    seed: '003_32051bd236dd5375.txt (bolt), 004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: 'a read-modify-write increment under a retry decorator with exponential backoff and seeded jitter, in both journal modes',
    checkAllParams: [{ journal: 'delete' }, { journal: 'wal' }],
    variants: [
      {
        name: 'retry-statement',
        summary: 'DEFERRED; the decorator retries only the failed statement inside the transaction that already read: under WAL its snapshot is stale, in rollback mode its SHARED blocks the committer; it spends its budget and gives up',
        provenance: {
          kind: 'lockstep',
          reason:
            "a read-modify-write retried statement by statement inside the transaction that read: what luca's whole-function retry on a connection that never rolls back amounts to once a read came first (see leaked-transaction); neither seed has this read-then-write counter, and the seeded jitter is lockstep's (bolt 6a1ee29 sleeps 1 s x attempt, luca fe4afe5 0.1 s x 2^k, neither with jitter)",
        },
        expected: { verdict: 'violation', property: 'every-update-applied' },
      },
      {
        name: 'retry-transaction',
        summary: 'DEFERRED; the decorator rolls the transaction back and runs all of it again after a backoff sleep',
        provenance: {
          kind: 'lockstep',
          reason: 'the fix of retry-statement: ROLLBACK, back off, run the whole transaction again (the retry the write-ups of 003 and 004 describe, made safe by the rollback neither upstream decorator does)',
        },
        expected: { verdict: 'holds' },
      },
      {
        name: 'immediate',
        summary: 'BEGIN IMMEDIATE and no decorator: the write lock is asked for first, with no transaction open, so the busy timeout waits its turn',
        provenance: {
          kind: 'lockstep',
          reason: "the other fix: BEGIN IMMEDIATE (Actifix's fix of seed 002, bfcb1dd) instead of a retry decorator",
        },
        expected: { verdict: 'holds' },
      },
    ],
  },
  {
    name: 'pool',
    seed: '003_32051bd236dd5375.txt (bolt), 004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: 'thread-local connections, one connection shared by several workers, and a pool with a maximum size under load',
    checkAllParams: [{ journal: 'delete' }, { journal: 'wal' }],
    variants: [
      {
        name: 'thread-local',
        summary: 'each worker has its own connection; BEGIN IMMEDIATE with a busy timeout',
        provenance: {
          kind: 'lockstep',
          reason:
            "the one-connection-per-thread scheme of luca's get_db_connection (fe4afe5) and of Actifix's DatabasePool, with BEGIN IMMEDIATE transactions; luca's own connection (Python's implicit BEGIN, no rollback) is the leaked-transaction scenario",
        },
        expected: { verdict: 'holds' },
      },
      {
        name: 'shared-connection',
        summary: "one connection used by every worker: a second worker's BEGIN lands inside the first one's transaction",
        provenance: {
          kind: 'lockstep',
          reason: 'what check_same_thread=False (luca fe4afe5, Actifix) permits: one connection used by several threads with no lock around it; no seed ships this use',
        },
        expected: { verdict: 'violation', property: 'no-connection-shared' },
      },
      {
        name: 'bounded-pool',
        summary: 'a pool of at most --pool-size connections (fewer than the workers): acquire waits for a release; BEGIN IMMEDIATE with a busy timeout',
        provenance: {
          kind: 'write-up',
          seed: '003_32051bd236dd5375.txt',
          note: "the write-up's 'thread-safe connection pools with configurable limits', as a pool that makes callers wait; bolt's code at 6a1ee29 keeps one connection per thread and evicts the least recently used past 10 instead",
        },
        expected: { verdict: 'holds' },
      },
      {
        name: 'bounded-pool-deferred',
        summary: 'the same pool with DEFERRED transactions: two pooled connections still race to upgrade their reads, and "database is locked" escapes',
        provenance: {
          kind: 'lockstep',
          reason: 'the bounded pool with DEFERRED transactions, to show that a pool alone does not fix read-to-write upgrades',
        },
        expected: { verdict: 'violation', property: 'no-busy-escapes' },
      },
    ],
  },
  {
    name: 'singleton',
    seed: '004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: "a getter creates the shared HTTP client if the slot is empty: upstream's has no await between the check and the assignment (one client per event loop, two on threads); lockstep's own awaits the creation there",
    variants: [
      {
        name: 'unguarded',
        summary: 'check, await createClient(), assign: two tasks both see the slot empty and create two clients',
        provenance: {
          kind: 'lockstep',
          reason:
            "the write-up's race (two asyncio tasks create the client) needs a yield point between the check and the assignment, which the upstream get_client (f68737a, before 5cb4a38) does not have: lockstep awaits the creation there so that the race exists on one event loop",
        },
        expected: { verdict: 'violation', property: 'one-client-created' },
      },
      {
        name: 'locked',
        summary: 'the awaited getter under an asyncio-style lock: the second task waits and finds the client',
        provenance: {
          kind: 'lockstep',
          reason: "the write-up's fix (an asyncio lock) around lockstep's awaited getter; upstream 5cb4a38 locks a getter with no await in it (see sync-asyncio-lock)",
        },
        expected: { verdict: 'holds' },
      },
      {
        name: 'sync-unguarded',
        summary: 'check the slot and store the new client with no await in between: one step on one event loop, so one client; on threads with their own loops (--runtime threads) two threads both find the slot empty and make two',
        provenance: {
          kind: 'upstream',
          repository: 'sundsoffice-tech/luca-nrw-scraper',
          commit: 'f68737ae059e8d0eaad21758aed55ed6547c0138',
          note: 'http/client.py get_client before the fix (5cb4a38~1): `if _CLIENT_SECURE is None: _CLIENT_SECURE = AsyncSession(...)`, no await between the check and the assignment',
        },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { runtime: 'threads' },
            summary: 'real worker threads, each with its own event loop: two threads read the empty slot before either stores, and two clients are made',
            expected: { verdict: 'violation', property: 'one-client-created' },
          },
        ],
      },
      {
        name: 'sync-asyncio-lock',
        summary: "the same body under a module-level asyncio.Lock: never contended on one event loop; on threads the lock binds to the loop of the first thread that waits on it, a third thread that must wait gets RuntimeError, and a waiter handed the lock from another thread is never woken",
        provenance: {
          kind: 'upstream',
          repository: 'sundsoffice-tech/luca-nrw-scraper',
          commit: '5cb4a38ef36dbea13b0ff152f8e8fbb7f489fd1a',
          note: 'http/client.py get_client under `async with _CLIENT_LOCK:` (_CLIENT_LOCK = asyncio.Lock() at module level), the fix the write-up describes; asyncio.Lock as Python 3.11 has it (the Dockerfile uses python:3.11)',
        },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { runtime: 'threads' },
            summary: "real worker threads, each with its own event loop: task-0 holds the lock, task-1 waits and binds it to its loop, task-2's acquire raises RuntimeError: the asyncio lock does not help",
            expected: { verdict: 'violation', property: 'no-getter-raises' },
          },
          {
            params: { runtime: 'threads', tasks: 2 },
            summary: "two real worker threads: task-1 waits, task-0 hands it the lock from its own thread, which does not wake task-1's loop (call_soon, not call_soon_threadsafe): task-1 never goes on (CPython 3.11 hangs the same way)",
            expected: { verdict: 'violation', property: 'no-deadlock' },
          },
        ],
      },
      {
        name: 'sync-thread-lock',
        summary: 'the same body under a thread lock: one client on one event loop and on threads',
        provenance: { kind: 'lockstep', reason: "the fix for threads: a threading.Lock (a ticket lock on Atomics here), as upstream 5cb4a38 itself uses for retry.py's host table" },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { runtime: 'threads' },
            summary: 'real worker threads: a second thread waits at the lock and finds the client the first one stored',
            expected: { verdict: 'holds' },
          },
        ],
      },
    ],
  },
  {
    name: 'lost-update',
    seed: '004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: "per-host failure counters updated by a read-modify-write: upstream's is synchronous (safe on one event loop, lost on threads); lockstep's own spans an await; concurrent penalties of one host are lost",
    variants: [
      {
        name: 'unguarded',
        summary: 'read the count, await metrics.record(), write count + 1: two tasks read the same count and one failure is lost',
        provenance: {
          kind: 'lockstep',
          reason: "the read-modify-write spans an await (metrics.record()) so that the write-up's lost update exists on one event loop; the upstream _penalize_host (f68737a, before 5cb4a38) is synchronous (see sync-unguarded)",
        },
        expected: { verdict: 'violation', property: 'no-lost-update' },
      },
      {
        name: 'locked',
        summary: "the awaited read-modify-write under the host table's lock",
        provenance: {
          kind: 'lockstep',
          reason: "lockstep's awaited update under a lock (an asyncio-style lock on one loop, a ticket lock on threads); upstream 5cb4a38 puts a threading.Lock around the synchronous update (see sync-thread-lock)",
        },
        expected: { verdict: 'holds' },
      },
      {
        name: 'sync-unguarded',
        summary: 'read the count and write count + 1 with no await in between: one step on one event loop, so no update is lost there; on threads (--runtime threads) a switch between the read and the write loses one',
        provenance: {
          kind: 'upstream',
          repository: 'sundsoffice-tech/luca-nrw-scraper',
          commit: 'f68737ae059e8d0eaad21758aed55ed6547c0138',
          note: 'http/retry.py _penalize_host before the fix (5cb4a38~1): setdefault, failures = min(failures + 1, 10), penalty_until, all synchronous; called from coroutines on one loop, and from threads',
        },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { runtime: 'threads', tasks: 2, hosts: 1 },
            summary: 'two real worker threads on one host: both read the same count before either writes, and one failure is lost',
            expected: { verdict: 'violation', property: 'no-lost-update' },
          },
        ],
      },
      {
        name: 'sync-thread-lock',
        summary: "the same synchronous update under the table's thread lock (a ticket lock on threads): it holds on one loop and on threads",
        provenance: {
          kind: 'upstream',
          repository: 'sundsoffice-tech/luca-nrw-scraper',
          commit: '5cb4a38ef36dbea13b0ff152f8e8fbb7f489fd1a',
          note: 'http/retry.py _penalize_host under `with _HOST_STATE_LOCK:` (a threading.Lock), the fix the write-up describes',
        },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { runtime: 'threads', tasks: 2, hosts: 1 },
            summary: 'two real worker threads on one host: the second penalty waits at the lock until the first has written',
            expected: { verdict: 'holds' },
          },
        ],
      },
    ],
  },
  {
    name: 'leaked-transaction',
    seed: '004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary:
      "two threads, each with its own connection kept for its whole life, in Python's legacy sqlite3 mode (an implicit BEGIN before a write, never before a read, no rollback on an error), WAL, 30 s busy timeout, a retry decorator around each whole call; thread-0 records, reads a report, works and records again; thread-1 keeps the write lock (--holder leaked-lock: its _update_pattern swallows an error after its UPSERT; --holder long-transaction: another job's transaction) for --hold ms",
    variants: [
      {
        name: 'legacy',
        summary:
          'as upstream: a failed write leaves its transaction open, a read pins a snapshot in it, and every later write of that thread fails with SQLITE_BUSY_SNAPSHOT; an error swallowed after a write keeps the write lock past the call',
        provenance: {
          kind: 'upstream',
          repository: 'sundsoffice-tech/luca-nrw-scraper',
          commit: 'fe4afe58fea933b00630861a1c22b768ff98a920',
          note: "db_utils.get_db_connection and with_db_retry, learning_db's _record, learning_engine's _update_pattern (except Exception: pass) and the health report's query, on Python's default (legacy) connection; the error after _update_pattern's UPSERT is lockstep's injected fault (in WAL mode nothing there can meet a lock)",
        },
        expected: { verdict: 'violation', property: 'no-write-lock-between-calls' },
        alsoUnder: [
          {
            params: { holder: 'long-transaction' },
            summary: "another job holds the write lock 180 s: thread-0's record fails after 5 attempts of 30 s, its report pins a snapshot in the transaction the record left open, and its two later records fail with SQLITE_BUSY_SNAPSHOT at every attempt",
            expected: { verdict: 'violation', property: 'every-thread-recovers' },
          },
          {
            params: { holder: 'long-transaction', report: 'none' },
            summary: "the same, but thread-0 never reads: the transaction its failed record left open has no snapshot yet, so its next record waits its turn and commits; a failed write alone does not poison the thread, the read after it does",
            expected: { verdict: 'holds' },
          },
        ],
      },
      {
        name: 'rollback-before-retry',
        summary: "get_db_connection rolls back when an exception leaves the block, so the decorator retries on a clean connection; the error _update_pattern swallows never leaves its block, so its write lock still leaks",
        provenance: { kind: 'lockstep', reason: 'the first fix of the stale transaction: ROLLBACK before the decorator retries (what with_db_retry needs and neither db_utils function does)' },
        expected: { verdict: 'violation', property: 'no-write-lock-between-calls' },
        alsoUnder: [
          {
            params: { holder: 'long-transaction' },
            summary: "thread-0's record still fails while the job holds the lock, but leaves no transaction behind: its report reads in autocommit and its later records succeed",
            expected: { verdict: 'holds' },
          },
        ],
      },
      {
        name: 'begin-immediate',
        summary: "isolation_level='IMMEDIATE': the implicit BEGIN takes the write lock first, so a write that cannot have it fails at its BEGIN with no transaction open; a write that had it and then swallowed an error still keeps it",
        provenance: { kind: 'lockstep', reason: "the second fix of the stale transaction: Python's implicit BEGIN made BEGIN IMMEDIATE (isolation_level='IMMEDIATE', as Actifix's fix of seed 002 does by hand)" },
        expected: { verdict: 'violation', property: 'no-write-lock-between-calls' },
        alsoUnder: [
          {
            params: { holder: 'long-transaction' },
            summary: "thread-0's record fails at its BEGIN IMMEDIATE while the job holds the lock, with no transaction left open; its report reads in autocommit and its later records succeed",
            expected: { verdict: 'holds' },
          },
        ],
      },
      {
        name: 'rollback-on-exit',
        summary: 'get_db_connection rolls back whatever is still open when the block ends, however it ends: no transaction outlives its call, swallowed errors included',
        provenance: { kind: 'lockstep', reason: 'the fix of both failures: a connection that leaves every block with no transaction open' },
        expected: { verdict: 'holds' },
        alsoUnder: [
          {
            params: { holder: 'long-transaction' },
            summary: "thread-0's record fails while the job holds the lock and is rolled back; its later records succeed",
            expected: { verdict: 'holds' },
          },
        ],
      },
    ],
  },
];

export function findScenario(name: string): ScenarioEntry | undefined {
  return CATALOGUE.find((s) => s.name === name);
}

/** One run `check --all` makes of a variant: the parameters over the defaults, and what it must show. */
export interface DocumentedRun {
  readonly params: Readonly<Record<string, string | number>>;
  readonly expected: Expectation;
}

/**
 * Every documented run of a variant: at the defaults and under each further documented parameter set
 * (`alsoUnder`, with its own expectation), each under every parameter set of the scenario (`checkAllParams`,
 * the same expectation: e.g. both journal modes).
 */
export function documentedRuns(entry: ScenarioEntry, variant: VariantEntry): DocumentedRun[] {
  const own: DocumentedRun[] = [{ params: {}, expected: variant.expected }, ...(variant.alsoUnder ?? [])];
  return (entry.checkAllParams ?? [{}]).flatMap((shared) => own.map((run) => ({ params: { ...shared, ...run.params }, expected: run.expected })));
}
