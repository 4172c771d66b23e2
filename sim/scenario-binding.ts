/**
 * A scenario bound to its two engines: the catalogue entry (properties/), the model (spec/) and the real
 * implementation (impl/, through the engine seam). Every scenario of lockstep is one of these.
 */
import type { ScenarioModel } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import type { ScenarioEntry } from '../properties/catalogue.js';
import type { RealRun } from '../impl/engine-seam.js';
import type { ScenarioParams } from './trace.js';
import { choice, convertValue, integer, type ChoiceOption, type IntegerOption } from './cli/options/option.js';

/**
 * One parameter of a scenario: its key in the parameters (`name`), its command-line option (`flag`, without the
 * dashes) as check's option table declares it (sim/cli/options/option.ts), and its default. `parse` checks a
 * text the way the command line does, so a trace's parameters and the command line's meet the same rule.
 */
export interface ParamSpec {
  readonly name: string;
  readonly flag: string;
  readonly describe: string;
  readonly default: string | number;
  readonly option: IntegerOption | ChoiceOption;
  /** Returns the parsed value, or throws a UsageError whose message says what is accepted. */
  parse(text: string): string | number;
}

/**
 * A scenario without its real engine: the catalogue entry, the parameters, the properties and the model. It
 * imports nothing from impl/ but types, so that the trace viewer can bundle it for the browser
 * (sim/view/browser/); `sim/scenarios/X.scenario.ts` holds each one.
 */
export interface ScenarioDefinition<W = unknown, O = unknown> {
  readonly entry: ScenarioEntry;
  readonly params: readonly ParamSpec[];
  readonly properties: readonly Property<O>[];
  model(variant: string, params: ScenarioParams): ScenarioModel<W, O>;
}

/** A scenario bound to both engines: its definition plus the real implementation (`sim/scenarios/X.binding.ts`). */
export interface ScenarioBinding<W = unknown, O = unknown> extends ScenarioDefinition<W, O> {
  openReal(variant: string, params: ScenarioParams): Promise<RealRun>;
}

export function integerParam(name: string, flag: string, describe: string, fallback: number, min: number, max: number): ParamSpec {
  return paramOf(name, flag, integer(describe, name.endsWith('Ms') ? 'MS' : 'N', min, max, { default: fallback }));
}

export function choiceParam(name: string, flag: string, describe: string, choices: readonly string[]): ParamSpec {
  return paramOf(name, flag, choice(describe, choices, { default: choices[0]! }));
}

function paramOf(name: string, flag: string, option: IntegerOption | ChoiceOption): ParamSpec {
  return { name, flag, describe: option.describe, default: option.default!, option, parse: (text) => convertValue(flag, option, text) };
}
