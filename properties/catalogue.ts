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
    name: 'singleton',
    seed: '004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: 'an async getter creates the shared HTTP client if the slot is empty, with an await between the check and the assignment',
    variants: [
      {
        name: 'unguarded',
        summary: 'check, await createClient(), assign: two tasks both see the slot empty and create two clients',
        expected: { verdict: 'violation', property: 'one-client-created' },
      },
      {
        name: 'locked',
        summary: 'the same body under an asyncio-style lock (the fix): the second task waits and finds the client',
        expected: { verdict: 'holds' },
      },
    ],
  },
  {
    name: 'lost-update',
    seed: '004_4d4bdced7131257a.txt (luca-nrw-scraper)',
    summary: "per-host failure counters updated by a read-modify-write that spans an await; concurrent penalties of one host are lost",
    variants: [
      {
        name: 'unguarded',
        summary: 'read the count, await metrics.record(), write count + 1: two tasks read the same count and one failure is lost',
        expected: { verdict: 'violation', property: 'no-lost-update' },
      },
      {
        name: 'locked',
        summary: "the same read-modify-write under the host table's lock (the fix)",
        expected: { verdict: 'holds' },
      },
    ],
  },
];

export function findScenario(name: string): ScenarioEntry | undefined {
  return CATALOGUE.find((s) => s.name === name);
}
