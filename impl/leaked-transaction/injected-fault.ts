/**
 * The error lockstep injects into seed 004's `_update_pattern` between its UPSERT and its COMMIT. In WAL mode
 * neither the UPDATE nor the COMMIT that follow the UPSERT can meet a lock (the UPSERT already holds the write
 * lock), so only some other error (a full disk, an I/O error, a bug in the code added there) reaches that
 * `except Exception: pass`; this one stands for all of them.
 */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';

  constructor(where: string) {
    super(`injected fault at ${where}`);
  }
}

/** The outcome a step that raised the injected fault records (the model prints the same words). */
export const INJECTED_FAULT_OUTCOME = 'error (injected)';
