/**
 * One actor thread of the threads runtime. It imports the user's scenario module by URL, finds the scenario
 * by name, and runs the named actor's ordinary synchronous code with gated connections. The gate is a blocking
 * handshake (as impl/pool/pool-thread.worker.ts): arriving at a scheduling point the thread posts the record of
 * the step it just took and what it is about to do, then sleeps on its control word until the runtime sets it.
 * So exactly one thread runs between two gates. The thread is reused from run to run: when its actor has
 * finished it closes its connections, reports, and waits for the next run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RunAborted, type ActorStepRecord, type PendingStep, type Resume, type SyncActorChannel } from '../gated/actor-channel.js';
import { GatedDatabase } from '../gated/sync-gated-database.js';
import type { ActorThreadData, ActorThreadMessage, RunActorMessage } from './actor-thread.protocol.js';
import { CONTROL } from './actor-thread.protocol.js';
import { openRawConnection } from './run-database.js';
import { actorErrorOf, findThreadsScenario, type ThreadActorContext } from './scenario-definition.js';

const port = parentPort;
if (port === null) throw new Error('actor-thread.worker.js must run in a worker thread');
const control = new Int32Array((workerData as ActorThreadData).control);

const send = (message: ActorThreadMessage): void => port.postMessage(message);

/** A value that can cross to the main thread: itself when it clones, else its text. */
function cloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

async function runActor(message: RunActorMessage): Promise<void> {
  try {
    await import(message.module);
  } catch (error) {
    send({ kind: 'load-error', message: `the scenario module ${message.module} could not be imported in a worker thread: ${error instanceof Error ? error.message : String(error)}` });
    return;
  }
  const definition = findThreadsScenario(message.module, message.scenario);
  const program = definition?.actors[message.actor];
  if (program === undefined) {
    send({ kind: 'load-error', message: `${message.module} defines no threads scenario "${message.scenario}" with an actor "${message.actor}" when imported in a worker thread (define the scenario at the top level of its module)` });
    return;
  }
  let records: ActorStepRecord[] = [];
  const take = (): ActorStepRecord[] => {
    const out = records;
    records = [];
    return out;
  };
  let aborted = false;
  const channel: SyncActorChannel = {
    actor: message.actor,
    park(pending: PendingStep): Resume {
      if (aborted) throw new RunAborted(message.actor);
      send({ kind: 'parked', pending, records: take() });
      Atomics.wait(control, 0, CONTROL.wait);
      const word = Atomics.exchange(control, 0, CONTROL.wait);
      if (word === CONTROL.abort) {
        aborted = true;
        throw new RunAborted(message.actor);
      }
      return word === CONTROL.deadline ? 'deadline' : 'go';
    },
    record: (record) => records.push(record),
  };
  const connections: GatedDatabase[] = [];
  const context: ThreadActorContext = {
    actor: message.actor,
    index: message.index,
    open(): GatedDatabase {
      const db = new GatedDatabase(openRawConnection(message.file), channel, connections.length, message.journal, message.busyTimeoutMs);
      connections.push(db);
      return db;
    },
    point(label: string): void {
      channel.park({ type: 'point', label });
      channel.record({ actor: message.actor, action: `point ${label}`, outcome: 'ok' });
    },
  };
  let outcome: { value: unknown } | { error: unknown };
  try {
    outcome = { value: await program(context) };
  } catch (error) {
    outcome = { error };
  }
  for (const db of connections) db.close();
  if ('value' in outcome) send({ kind: 'done', value: cloneable(outcome.value), records: take() });
  else send({ kind: 'failed', error: actorErrorOf(outcome.error), records: take() });
}

port.on('message', (message: RunActorMessage) => {
  void runActor(message);
});
