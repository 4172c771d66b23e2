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
    name: 'lifecycle',
    seed: '000_5f611420c1095247.txt (VoxLogicA-2)',
    summary:
      'workers claim one operation (INSERT OR IGNORE + read-back), the winner executes and stores, the others and a late waiter wait (300 s timeout) for a per-operation event or for callbacks fired by a notifier polling every 100 ms (scheduled only when a poll fires; stops when everybody else has finished); --fault crash-after-claim kills the claimant and adds a worker started after the 1 h stale-claim threshold',
    variants: [
      {
        name: 'missing-complete',
        summary: 'callbacks + notifier, as shipped: store() but no mark_completed, so the notifier never sees completed and waiters time out',
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
      },
      {
        name: 'fixed',
        summary: 'callbacks + notifier with mark_completed right after store(): every waiter is woken by the next poll',
        expected: { verdict: 'holds' },
      },
      {
        name: 'event-cleanup',
        summary: 'the first design: one event per operation, set by store(), popped by every waiter when its wait ends; a waiter that comes after the pop waits on a fresh event nobody sets',
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
      },
    ],
  },
];

export function findScenario(name: string): ScenarioEntry | undefined {
  return CATALOGUE.find((s) => s.name === name);
}
