/**
 * A property is a plain predicate over what a scenario lets us observe, the same for both engines.
 * Safety properties must hold in every world of a run; outcome properties when the run has ended.
 */
export type PropertyKind = 'safety' | 'outcome';

export interface Property<O> {
  readonly name: string;
  readonly kind: PropertyKind;
  /** The claim, in one plain sentence. */
  readonly claim: string;
  /** null when the observation satisfies the claim, else a message saying who broke it and how. */
  check(observation: O): string | null;
}
