import type { RealLockScript, RealLockStep } from './lock-script.js';

/** The bounds of DESIGN.md: 1 to 8 connections. */
export const MAX_CONNECTIONS = 8;

/**
 * Checks what must hold before any file is created: the connection count and the keys. Throws a RangeError
 * naming what is wrong. Steps are checked one at a time as they run ({@link checkStep}), so a bad step fails
 * the run midway, after the steps before it ran (and the cleanup still happens).
 */
export function checkScript(script: RealLockScript): void {
  const { connections, keys } = script;
  if (!Number.isInteger(connections) || connections < 1 || connections > MAX_CONNECTIONS) {
    throw new RangeError(`lock script: connections must be an integer from 1 to ${MAX_CONNECTIONS}, got ${String(connections)}`);
  }
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string')) {
    throw new RangeError('lock script: keys must be a non-empty array of strings');
  }
  if (new Set(keys).size !== keys.length) throw new RangeError('lock script: keys must be distinct');
  if (script.journal !== 'delete' && script.journal !== 'wal') {
    throw new RangeError(`lock script: journal must be "delete" or "wal", got ${JSON.stringify(script.journal)}`);
  }
}

/** Throws a RangeError if step `index` names a connection the script does not have. */
export function checkStep(script: RealLockScript, step: RealLockStep, index: number): void {
  if (!Number.isInteger(step.conn) || step.conn < 0 || step.conn >= script.connections) {
    throw new RangeError(`lock script: step ${index} names connection ${String(step.conn)}, the script has ${script.connections}`);
  }
}
