/** The shipped JSON Schema of format-2 traces (schemas/trace-v2.schema.json), compiled once with ajv (draft 2020-12). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js').default;

export const TRACE_V2_SCHEMA_FILE = new URL('../../schemas/trace-v2.schema.json', import.meta.url);

let compiled: ValidateFunction | null = null;

/** Throws an Error listing ajv's complaints when `trace` is not a valid format-2 trace. */
export function assertValidTraceV2(trace: unknown, what: string): void {
  if (compiled === null) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(JSON.parse(readFileSync(TRACE_V2_SCHEMA_FILE, 'utf8')) as object);
  }
  if (!compiled(trace)) throw new Error(`${what} is not a valid format-2 trace: ${JSON.stringify(compiled.errors, null, 1)}`);
}
