/**
 * One caller of the singleton scenario as a worker thread (its own event loop) under the lock-step driver
 * (singleton-threads.real-engine.ts), one run at a time (a pooled worker: ../async/worker-pool.ts). The gate is a blocking handshake: arriving at a gate, the thread posts the
 * records of the step it just took and sleeps on its control word until the driver sets it; so exactly one
 * thread runs between two gates, and the switch the schedule asks for is a real switch between threads.
 */
import { parentPort } from 'node:worker_threads';
import { blockingGate, serveRuns } from '../async/worker-pool.js';
import { LoopBindingError } from '../async/loop-bound-lock.js';
import type { ThreadSteps } from '../async/thread-steps.js';
import { getClientOnThread, ThreadClients } from './client-getter-thread.js';
import type { GetterThreadData, GetterThreadMessage, GetterThreadRecord } from './client-getter-thread.protocol.js';
import { SharedClientSlot } from './shared-client-slot.js';

serveRuns<GetterThreadData>(runCaller);

function runCaller(data: GetterThreadData): void {
  const port = parentPort!;
  const control = new Int32Array(data.control);
  const slot = new SharedClientSlot(data.slot, data.callers);
  const clients = new ThreadClients(slot);
  let pending: GetterThreadRecord[] = [];
  let waiting = false;

  const send = (message: GetterThreadMessage): void => port.postMessage(message);

  /** Arrive (report the step just taken), then sleep until the driver picks this thread. */
  const gate = blockingGate(control, data.index, () => {
    send({ kind: 'parked', records: pending, waiting });
    pending = [];
  });

  const steps: ThreadSteps = {
    name: `task-${data.index}`,
    index: data.index,
    access(action, run, outcome = () => 'ok') {
      gate();
      const result = run();
      pending.push({ action, outcome: outcome(result) });
      return result;
    },
    wait(action, ready, _block, outcome) {
      waiting = true;
      gate();
      waiting = false;
      if (!ready()) throw new Error(`task-${data.index} was scheduled while it still waits (${action}): the schedule breaks the driver's contract`);
      pending.push({ action, outcome });
    },
  };

  try {
    const client = getClientOnThread(slot, steps, clients, data.lock);
    send({ kind: 'done', records: pending, client });
  } catch (error) {
    // The getter raised what the lock raised; the step that raised it says so in the model's words.
    if (error instanceof LoopBindingError) send({ kind: 'raised', records: pending, error: pending.at(-1)?.outcome ?? `RuntimeError: ${error.message}` });
    else send({ kind: 'failed', records: pending, error: error instanceof Error ? error.message : String(error) });
  } finally {
    clients.closeAll();
  }
}
