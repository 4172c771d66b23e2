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

export interface VariantEntry {
  readonly name: string;
  readonly summary: string;
  readonly expected: Expectation;
  /** Further documented runs of this variant, each checked by `check --all` like the default one. */
  readonly alsoUnder?: readonly ParamsEntry[];
}

export interface ScenarioEntry {
  readonly name: string;
  readonly seed: string;
  readonly summary: string;
  readonly variants: readonly VariantEntry[];
}

/**
 * lifecycle's fault: the claimant dies before executing. The losers wait 300 s for a claim nobody will
 * complete and time out; the stale claim is only deleted by a process started after the 1 h threshold, which
 * executes the operation once (at-most-one-executor holds; every-waiter-gets-the-result does not).
 */
const CRASH_AFTER_CLAIM: ParamsEntry = {
  params: { fault: 'crash-after-claim' },
  summary: 'the claimant crashes after its claim: the waiters time out at 300 s; a worker started after the 1 h stale threshold deletes the claim and executes once',
  expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
};

/**
 * lifecycle's other fault: the claimant stops for 3700 s with its claim held. The stale-claim cleanup cannot
 * tell it from a dead one: the late worker deletes the claim at t=3601s and executes, then the sleeper wakes
 * and executes again.
 */
const STALL_AFTER_CLAIM: ParamsEntry = {
  params: { fault: 'stall-after-claim' },
  summary: 'the claimant stalls 3700 s after its claim: the late worker deletes the "stale" claim at t=3601s and executes, the claimant wakes and executes again',
  expected: { verdict: 'violation', property: 'at-most-one-executor' },
};

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
      'workers claim one operation (INSERT OR IGNORE + read-back), the winner executes and stores, the others and a late waiter wait (300 s timeout) for a per-operation event or for callbacks fired by a notifier polling every 100 ms (scheduled only when a poll fires; stops when everybody else has finished); --fault crash-after-claim kills the claimant, --fault stall-after-claim pauses it, and either adds a worker started after the 1 h stale-claim threshold',
    variants: [
      {
        name: 'missing-complete',
        summary: 'callbacks + notifier, as shipped: store() but no mark_completed, so the notifier never sees completed and waiters time out',
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [CRASH_AFTER_CLAIM, STALL_AFTER_CLAIM],
      },
      {
        name: 'fixed',
        summary: 'callbacks + notifier with mark_completed right after store(): every waiter is woken by the next poll',
        expected: { verdict: 'holds' },
        alsoUnder: [
          CRASH_AFTER_CLAIM,
          {
            params: { fault: 'crash-after-claim', staleMs: 60_000 },
            summary: 'a stale threshold of 60 s: the late worker (t=61s) deletes the stale claim, executes, completes, and the notifier wakes the waiters before their 300 s',
            expected: { verdict: 'holds' },
          },
          STALL_AFTER_CLAIM,
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
        expected: { verdict: 'violation', property: 'every-waiter-gets-the-result' },
        alsoUnder: [CRASH_AFTER_CLAIM, STALL_AFTER_CLAIM],
      },
    ],
  },
];

export function findScenario(name: string): ScenarioEntry | undefined {
  return CATALOGUE.find((s) => s.name === name);
}
