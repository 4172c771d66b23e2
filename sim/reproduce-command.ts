/** The `lockstep check` command line that runs a check again exactly (printed after every failure, and the `reproduce` of a trace). */
import type { ScenarioBinding } from './scenario-binding.js';
import { DEFAULT_EXHAUSTIVE_LIMITS } from './strategies/exhaustive-strategy.js';
import type { EngineName, ScenarioParams } from './trace.js';

/** What a reproduce line needs of a check: its scenario, variant, engine, strategy and bounds, and its parameters. */
export interface CheckIdentity {
  readonly scenario: string;
  readonly variant: string;
  readonly engine: EngineName;
  readonly strategy: 'exhaustive' | 'random' | 'pct';
  readonly runs: number;
  readonly seed: number;
  readonly maxWorlds: number;
  readonly params: ScenarioParams;
}

/** A binding narrowed by `check --property` says which property it is judged by alone. */
export interface JudgedAlone {
  readonly judgedAlone?: string;
}

export function checkCommandLine(check: CheckIdentity, binding: Pick<ScenarioBinding<never, never>, 'params'> & JudgedAlone): string {
  const parts = ['lockstep check', check.scenario, '--variant', check.variant, '--engine', check.engine, '--strategy', check.strategy];
  if (check.strategy !== 'exhaustive') parts.push('--runs', String(check.runs), '--seed', String(check.seed));
  if (check.strategy === 'exhaustive' && check.maxWorlds !== DEFAULT_EXHAUSTIVE_LIMITS.maxWorlds) parts.push('--max-worlds', String(check.maxWorlds));
  for (const spec of binding.params) {
    const value = check.params[spec.name];
    if (value !== undefined && value !== spec.default) parts.push(`--${spec.flag}`, String(value));
  }
  if (binding.judgedAlone !== undefined) parts.push('--property', binding.judgedAlone);
  return parts.join(' ');
}
