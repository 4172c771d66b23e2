/**
 * A scenario bound to its two engines: the catalogue entry (properties/), the model (spec/) and the real
 * implementation (impl/, through the engine seam). Every scenario of lockstep is one of these.
 */
import type { ScenarioModel } from '../spec/scenario-model.js';
import type { Property } from '../properties/property.js';
import type { ScenarioEntry } from '../properties/catalogue.js';
import type { RealRun } from '../impl/engine-seam.js';
import type { ScenarioParams } from './trace.js';

/** One command-line parameter of a scenario: its flag, default and how a value is checked. */
export interface ParamSpec {
  readonly name: string;
  readonly flag: string;
  readonly describe: string;
  readonly default: string | number;
  /** Returns the parsed value, or throws an Error whose message says what is accepted. */
  parse(text: string): string | number;
}

export interface ScenarioBinding<W = unknown, O = unknown> {
  readonly entry: ScenarioEntry;
  readonly params: readonly ParamSpec[];
  readonly properties: readonly Property<O>[];
  model(variant: string, params: ScenarioParams): ScenarioModel<W, O>;
  openReal(variant: string, params: ScenarioParams): Promise<RealRun>;
}

export function integerParam(name: string, flag: string, describe: string, fallback: number, min: number, max: number): ParamSpec {
  return {
    name,
    flag,
    describe,
    default: fallback,
    parse(text) {
      const value = Number(text);
      if (!/^\d+$/.test(text) || value < min || value > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`);
      return value;
    },
  };
}

export function choiceParam(name: string, flag: string, describe: string, choices: readonly string[]): ParamSpec {
  return {
    name,
    flag,
    describe,
    default: choices[0]!,
    parse(text) {
      if (!choices.includes(text)) throw new Error(`--${flag} must be one of ${choices.join(', ')}, got '${text}'`);
      return text;
    },
  };
}
