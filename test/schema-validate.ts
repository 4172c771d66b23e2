/**
 * Validation of lockstep's JSON documents against the JSON Schemas it ships (schemas/, draft 2020-12), with
 * ajv. For every suite: `assertValidOutput(doc)` checks a `--json` output against the schema of the command
 * it names; `assertValidTrace(trace)` checks a trace against the schema of its format version;
 * `assertValid(schema, value)` checks any document against a named schema (`lock-script`, ...).
 * A failure names the schema, the place in the document and what was expected there.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const SCHEMAS = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** The schema files, by name without `.schema.json`. */
export const SCHEMA_NAMES: readonly string[] = readdirSync(SCHEMAS)
  .filter((file) => file.endsWith('.schema.json'))
  .map((file) => file.slice(0, -'.schema.json'.length))
  .sort();

let compiled: Map<string, ValidateFunction> | null = null;

function validators(): Map<string, ValidateFunction> {
  if (compiled !== null) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  for (const name of SCHEMA_NAMES) ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS}${name}.schema.json`, 'utf8')) as object);
  compiled = new Map(SCHEMA_NAMES.map((name) => [name, ajv.getSchema(`${name}.schema.json`)!]));
  return compiled;
}

/** Whether `value` is valid against schemas/NAME.schema.json; the errors in words when not. */
export function validate(name: string, value: unknown): { valid: true } | { valid: false; errors: string } {
  const check = validators().get(name);
  if (check === undefined) throw new Error(`no schema schemas/${name}.schema.json (have ${SCHEMA_NAMES.join(', ')})`);
  if (check(value)) return { valid: true };
  const errors = (check.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : ''}`);
  return { valid: false, errors: errors.join('; ') };
}

export function assertValid(name: string, value: unknown): void {
  const result = validate(name, value);
  if (!result.valid) assert.fail(`not valid against schemas/${name}.schema.json: ${result.errors}`);
}

/** A `--json` output: the envelope, then the schema of the command it names. */
export function assertValidOutput(doc: unknown): void {
  assertValid('envelope', doc);
  const command = (doc as { command: string }).command;
  assertValid(command, doc);
}

/** A trace file or counterexample: the schema of its format version (`trace-v1`, `trace-v2`). */
export function assertValidTrace(trace: unknown): void {
  const version = (trace as { lockstep?: unknown }).lockstep;
  assertValid(version === 1 ? 'trace-v1' : 'trace-v2', trace);
}
