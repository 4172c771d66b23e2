import path from 'node:path';
import type { RealLockScript } from './lock-script.js';
import { makeScratchDir, removeScratchDir, seedDatabase } from './scratch-database.js';
import { StepConnection } from './step-connection.js';
import { checkScript } from './validate-script.js';

export interface FreshConnectionsOptions {
  /** Busy timeout of the script's connections, in ms. Default 0: a lock conflict returns SQLITE_BUSY at once. */
  readonly busyTimeoutMs?: number;
  /**
   * `PRAGMA synchronous=OFF` on every connection (default true). It only skips fsync, so no outcome changes
   * (checked by the test "synchronous=OFF changes no outcome"); with it a script runs several times faster on
   * a real disk, because every rollback-journal commit would otherwise fsync twice or more.
   */
  readonly synchronousOff?: boolean;
}

/**
 * Runs `body` with `script.connections` connections to a fresh database in a fresh temporary directory, and
 * then closes every connection and removes the directory, also when seeding, opening or `body` throws.
 */
export function withFreshConnections<T>(
  script: RealLockScript,
  options: FreshConnectionsOptions,
  body: (connections: readonly StepConnection[]) => T,
): T {
  checkScript(script);
  const dir = makeScratchDir();
  const connections: StepConnection[] = [];
  try {
    const file = path.join(dir, 'lockstep.db');
    seedDatabase(file, script.journal, script.keys);
    const connOptions = { busyTimeoutMs: options.busyTimeoutMs ?? 0, synchronousOff: options.synchronousOff ?? true };
    for (let i = 0; i < script.connections; i++) connections.push(new StepConnection(file, connOptions));
    return body(connections);
  } finally {
    try {
      for (const c of connections) c.close();
    } finally {
      removeScratchDir(dir);
    }
  }
}
