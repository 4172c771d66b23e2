/**
 * Strict reading of lock scripts from untrusted JSON text (DESIGN.md, "Formats / Lock script"): one script or
 * an array of them. Anything the format does not define is refused, with a one-line {@link LockScriptError}
 * that names the problem, where it is (`script 3, step 7`, both counted from 1) and what is accepted.
 * Pure: the caller reads the file; the CLI turns a LockScriptError into a usage error (exit 2).
 */
import {
  BEGIN_MODES,
  JOURNALS,
  LOCK_OPS,
  MAX_CONNECTIONS,
  type BeginMode,
  type Journal,
  type LockOp,
  type LockScript,
  type LockStep,
} from './lock-script.js';

/** Bad lock-script input. `message` is one line: location, problem, what is accepted. */
export class LockScriptError extends Error {
  override readonly name = 'LockScriptError';
}

export interface ParsedLockScripts {
  readonly scripts: LockScript[];
  /** True when the text held one script object, false when it held an array (the answer mirrors the shape). */
  readonly single: boolean;
}

const SCRIPT_FIELDS = ['journal', 'connections', 'keys', 'steps'] as const;
const DEFAULT_KEYS: readonly string[] = ['a'];

/** The fields each op takes, in the order messages list them. */
const STEP_FIELDS: Readonly<Record<LockOp, readonly string[]>> = {
  begin: ['conn', 'op', 'mode'],
  read: ['conn', 'op', 'key'],
  write: ['conn', 'op', 'key'],
  commit: ['conn', 'op'],
  rollback: ['conn', 'op'],
};

export function parseLockScripts(text: string): ParsedLockScripts {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LockScriptError(`not JSON: ${oneLine(reason)}`);
  }
  // JSON.parse keeps the last of two equal member names; the format has no use for either, so refuse them.
  const duplicate = findDuplicateMember(source);
  if (duplicate !== null) {
    throw new LockScriptError(`${locationOf(duplicate.path, Array.isArray(value))}duplicate field '${duplicate.name}'`);
  }
  if (Array.isArray(value)) {
    // An empty array would be answered with nothing, and a run that checks nothing must not pass for one that did.
    if (value.length === 0) throw new LockScriptError('expected a lock script (a JSON object) or a non-empty array of them, got an empty array');
    return { scripts: value.map((item, index) => readScript(item, `script ${index + 1}`)), single: false };
  }
  if (isObject(value)) {
    return { scripts: [readScript(value, 'script 1')], single: true };
  }
  throw new LockScriptError(`expected a lock script (a JSON object) or an array of them, got ${describe(value)}`);
}

function readScript(value: unknown, where: string): LockScript {
  if (!isObject(value)) {
    throw new LockScriptError(`${where}: expected a lock script object, got ${describe(value)}`);
  }
  rejectUnknownFields(value, SCRIPT_FIELDS, where, '');

  if (!('journal' in value)) {
    throw new LockScriptError(`${where}: missing field 'journal' (expected ${listOf(JOURNALS)})`);
  }
  const journal = value['journal'];
  if (!isOneOf(JOURNALS, journal)) {
    throw new LockScriptError(`${where}: unknown journal ${describe(journal)} (expected ${listOf(JOURNALS)})`);
  }

  const connectionsRule = `connections must be an integer from 1 to ${MAX_CONNECTIONS}`;
  if (!('connections' in value)) {
    throw new LockScriptError(`${where}: missing field 'connections' (${connectionsRule})`);
  }
  const connections = value['connections'];
  if (!Number.isInteger(connections) || (connections as number) < 1 || (connections as number) > MAX_CONNECTIONS) {
    throw new LockScriptError(`${where}: ${connectionsRule}, got ${describe(connections)}`);
  }

  const keys = 'keys' in value ? readKeys(value['keys'], where) : DEFAULT_KEYS;

  if (!('steps' in value)) {
    throw new LockScriptError(`${where}: missing field 'steps' (expected an array of steps)`);
  }
  const rawSteps = value['steps'];
  if (!Array.isArray(rawSteps)) {
    throw new LockScriptError(`${where}: steps must be an array of steps, got ${describe(rawSteps)}`);
  }
  const steps = rawSteps.map((step, index) =>
    readStep(step, `${where}, step ${index + 1}`, connections as number, keys),
  );
  return { journal, connections: connections as number, keys: [...keys], steps };
}

function readKeys(value: unknown, where: string): readonly string[] {
  const rule = 'keys must be a non-empty array of distinct non-empty strings';
  if (!Array.isArray(value)) {
    throw new LockScriptError(`${where}: ${rule}, got ${describe(value)}`);
  }
  if (value.length === 0) {
    throw new LockScriptError(`${where}: ${rule}, got an empty array`);
  }
  const seen = new Set<string>();
  value.forEach((key: unknown, index) => {
    if (typeof key !== 'string' || key.length === 0) {
      throw new LockScriptError(`${where}: ${rule}, got ${describe(key)} at position ${index + 1}`);
    }
    if (seen.has(key)) {
      throw new LockScriptError(`${where}: ${rule}, got key ${describe(key)} twice`);
    }
    seen.add(key);
  });
  return value as string[];
}

function readStep(value: unknown, where: string, connections: number, keys: readonly string[]): LockStep {
  if (!isObject(value)) {
    throw new LockScriptError(`${where}: expected a step object, got ${describe(value)}`);
  }
  if (!('op' in value)) {
    throw new LockScriptError(`${where}: missing field 'op' (expected ${listOf(LOCK_OPS)})`);
  }
  const op = value['op'];
  if (!isOneOf(LOCK_OPS, op)) {
    throw new LockScriptError(`${where}: unknown op ${describe(op)} (expected ${listOf(LOCK_OPS)})`);
  }
  rejectUnknownFields(value, STEP_FIELDS[op], where, ` for op '${op}'`);

  if (!('conn' in value)) {
    throw new LockScriptError(`${where}: missing field 'conn' (${connRange(connections)})`);
  }
  const conn = value['conn'];
  if (!Number.isInteger(conn)) {
    throw new LockScriptError(`${where}: conn must be an integer, got ${describe(conn)} (${connRange(connections)})`);
  }
  if ((conn as number) < 0 || (conn as number) >= connections) {
    throw new LockScriptError(`${where}: conn ${conn as number} out of range (${connRange(connections)})`);
  }
  const c = conn as number;

  switch (op) {
    case 'begin': {
      if (!('mode' in value)) {
        throw new LockScriptError(`${where}: missing field 'mode' for op 'begin' (expected ${listOf(BEGIN_MODES)})`);
      }
      const mode = value['mode'];
      if (!isOneOf<BeginMode>(BEGIN_MODES, mode)) {
        throw new LockScriptError(`${where}: unknown mode ${describe(mode)} (expected ${listOf(BEGIN_MODES)})`);
      }
      return { conn: c, op, mode };
    }
    case 'read':
    case 'write': {
      if (!('key' in value)) {
        throw new LockScriptError(`${where}: missing field 'key' for op '${op}' (expected one of the script's keys: ${keys.join(', ')})`);
      }
      const key = value['key'];
      if (typeof key !== 'string' || !keys.includes(key)) {
        throw new LockScriptError(`${where}: key ${describe(key)} is not one of the script's keys (${keys.join(', ')})`);
      }
      return { conn: c, op, key };
    }
    case 'commit':
    case 'rollback':
      return { conn: c, op };
  }
}

function connRange(connections: number): string {
  return connections === 1
    ? 'the script has 1 connection: 0'
    : `the script has ${connections} connections: 0 to ${connections - 1}`;
}

function rejectUnknownFields(
  value: Record<string, unknown>,
  accepted: readonly string[],
  where: string,
  context: string,
): void {
  for (const name of Object.keys(value)) {
    if (!accepted.includes(name)) {
      throw new LockScriptError(`${where}: unknown field '${name}'${context} (expected ${accepted.join(', ')})`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(accepted: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (accepted as readonly string[]).includes(value);
}

function listOf(accepted: readonly string[]): string {
  return accepted.join(', ');
}

/** A value as a message shows it: strings in single quotes, containers by kind, short. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `'${oneLine(shown)}'`;
  }
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------
// Duplicate member names. JSON.parse accepts `{"conn": 0, "conn": 1}` and keeps the last; a strict reader must
// not guess which one the author meant. This scanner runs on text that JSON.parse already accepted, so it only
// tracks structure: where each container starts and ends, and which member names each object has seen.

type PathPart = string | number;

interface DuplicateMember {
  readonly path: readonly PathPart[];
  readonly name: string;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly names: Set<string>;
  /** For an object: the member being read; for an array: the index of the element being read. */
  part: PathPart;
}

function findDuplicateMember(text: string): DuplicateMember | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.kind === 'object' && nextSignificant(text, end) === ':') {
        const name = JSON.parse(text.slice(i, end)) as string;
        if (top.names.has(name)) {
          return { path: stack.slice(0, -1).map((f) => f.part), name };
        }
        top.names.add(name);
        top.part = name;
      }
      i = end;
      continue;
    }
    if (ch === '{') stack.push({ kind: 'object', names: new Set(), part: '' });
    else if (ch === '[') stack.push({ kind: 'array', names: new Set(), part: 0 });
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.kind === 'array') top.part = (top.part as number) + 1;
    }
    i += 1;
  }
  return null;
}

/** The index just past the closing quote of the string literal that opens at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i += 1;
  }
  return i;
}

function nextSignificant(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length && /\s/.test(text[i] ?? '')) i += 1;
  return text[i];
}

/** `script 2, step 5: ` for a path into the parsed value (an empty string at the top level). */
function locationOf(path: readonly PathPart[], isArray: boolean): string {
  const parts = isArray ? path : [0, ...path];
  const [script, field, step] = parts;
  if (typeof script !== 'number') return '';
  if (field === 'steps' && typeof step === 'number') return `script ${script + 1}, step ${step + 1}: `;
  return `script ${script + 1}: `;
}
