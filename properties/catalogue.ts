/**
 * The scenario catalogue: every scenario, its variants, and what each variant is documented to do. `check
 * --all` runs each on both engines and compares the verdict with this expectation. Buggy variants are kept
 * on purpose: each must really fail its property, computed at check time.
 */
export type Expectation =
  | { readonly verdict: 'violation'; readonly property: string }
  | { readonly verdict: 'holds' };

export interface VariantEntry {
  readonly name: string;
  readonly summary: string;
  readonly expected: Expectation;
}

export interface ScenarioEntry {
  readonly name: string;
  readonly seed: string;
  readonly summary: string;
  readonly variants: readonly VariantEntry[];
}

export const CATALOGUE: readonly ScenarioEntry[] = [
  {
    name: 'tickets',
    seed: '002_17f899e450266be6.txt (Actifix)',
    summary: 'workers lock tickets in a transaction; DEFERRED readers cannot become the writer and fail at once',
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
    name: 'writer-gap',
    seed: '001_1302624bc360a248.txt (VoxLogicA-2), race 1; the redesign of 000',
    summary: 'store() hands the result to a background writer; the operation is marked completed before the row lands',
    variants: [
      {
        name: 'queued',
        summary: 'store() only queues the write and returns; a waiter can find neither the row nor a memory copy',
        expected: { verdict: 'violation', property: 'completed-implies-retrievable' },
      },
      {
        name: 'memory-cache',
        summary: 'the documented fix: memory copy before queueing, evicted after the row is written; retrieve reads memory, then SQLite',
        expected: { verdict: 'holds' },
      },
      {
        name: 'db-first',
        summary: 'the same fix, but retrieve reads SQLite first: the row lands and the copy is evicted between its two reads',
        expected: { verdict: 'violation', property: 'completed-implies-retrievable' },
      },
      {
        name: 'write-fails',
        summary: 'memory-cache with every background write failing (SQLITE_FULL, as --fault write-fails): served from memory, lost on restart',
        expected: { verdict: 'violation', property: 'no-result-lost-after-restart' },
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
];

export function findScenario(name: string): ScenarioEntry | undefined {
  return CATALOGUE.find((s) => s.name === name);
}
