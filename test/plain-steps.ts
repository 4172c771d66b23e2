/** A trace's steps as format 1 had them (actor, action, outcome), to compare with a run's records. */
export const plainSteps = (steps: readonly { actor: string; action: string; outcome: string }[]): { actor: string; action: string; outcome: string }[] =>
  steps.map(({ actor, action, outcome }) => ({ actor, action, outcome }));
