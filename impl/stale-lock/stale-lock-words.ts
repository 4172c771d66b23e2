/**
 * The words a trace shows for a real step: the same `action` and `outcome` the model prints (re-stated here:
 * impl/ never imports the model), with pids named after the processes of the run.
 */
import type { LockStep } from './pid-lock-file.js';

export type NameOfPid = (pid: number) => string;

export function stepWords(step: LockStep, nameOf: NameOfPid): { action: string; outcome: string } {
  const words = ((): { action: string; outcome: string } => {
    switch (step.op) {
      case 'create':
        return { action: 'open lock wx', outcome: step.result };
      case 'write':
        return { action: 'write own pid', outcome: 'written, holds' };
      case 'read': {
        const seen = step.result;
        switch (seen.kind) {
          case 'pid':
            return { action: 'read lock, kill(pid, 0)', outcome: `pid of ${nameOf(seen.pid)}, ${seen.alive ? 'alive' : 'dead'}` };
          case 'empty':
          case 'ENOENT':
            return { action: 'read lock, kill(pid, 0)', outcome: seen.kind };
        }
        break;
      }
      case 'mark':
        return { action: `open lock.broken-${nameOf(step.stalePid)} wx`, outcome: step.result };
      case 'remove':
        return { action: 'unlink lock', outcome: step.result };
      case 'release':
        return { action: 'unlink lock (release)', outcome: step.result };
    }
  })();
  return step.givesUp === true ? { action: words.action, outcome: `${words.outcome}, gives up` } : words;
}

/** Names pids: the crashed holder, the contenders by index, anything else by number. */
export function pidNamer(holderPid: number, contenderPids: readonly number[]): NameOfPid {
  return (pid) => {
    if (pid === holderPid) return 'crashed';
    const index = contenderPids.indexOf(pid);
    return index >= 0 ? `worker-${index}` : `pid ${pid}`;
  };
}
