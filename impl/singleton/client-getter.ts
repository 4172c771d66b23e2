/**
 * The shared HTTP client of seed 004 (luca-nrw-scraper, http/client.py), as its authors would write it in
 * TypeScript: a process-wide slot holding one client, filled on first use by an async getter.
 *
 * `getClientUnguarded` is the code as it shipped: it checks the slot, and if it is empty awaits the creation
 * of a client and then stores it. Between the check and the store there is an await, so a second task can
 * pass the same check and create a second client; one of them is overwritten and leaks its connection pool.
 * `getClientLocked` is the documented fix: the same body under an asyncio.Lock-like mutex.
 *
 * Every shared access and the await of the creation go through the task's TaskSteps (a gate first).
 */
import { Agent } from 'node:http';
import { AsyncMutex } from '../async/async-mutex.js';
import type { TaskSteps } from '../async/task-steps.js';
import { withLock } from '../async/with-lock.js';

/** A client owns a keep-alive connection pool (a real http.Agent); two clients are two pools. */
export interface HttpClient {
  readonly name: string;
  readonly agent: Agent;
}

/** The module-level state of client.py: the shared client, and the lock the fix added. */
export class ClientSlot {
  client: HttpClient | null = null;
  readonly lock = new AsyncMutex();
}

/** What one task brings to the getter: its steps, and the client factory (an async call: the await). */
export interface GetterTask {
  readonly steps: TaskSteps;
  createClient(): Promise<HttpClient>;
}

const nameOrNone = (client: HttpClient | null): string => client?.name ?? 'none';

/** The code as it shipped: check, await the creation, store. */
export async function getClientUnguarded(slot: ClientSlot, task: GetterTask): Promise<HttpClient> {
  const current = await task.steps.access('read client', () => slot.client, nameOrNone);
  if (current !== null) return current;
  const created = await task.createClient();
  await task.steps.access(
    'assign client',
    () => {
      const replaced = slot.client;
      slot.client = created;
      return replaced;
    },
    (replaced) => (replaced === null ? created.name : `${created.name}, replaces ${replaced.name}`),
  );
  return created;
}

/** The fix: the same check-create-store under the slot's lock. */
export function getClientLocked(slot: ClientSlot, task: GetterTask): Promise<HttpClient> {
  return withLock(slot.lock, task.steps, () => getClientUnguarded(slot, task));
}

/**
 * Makes the clients, names them `client-1`, `client-2`, ... in creation order, remembers who asked for each,
 * and closes every pool at the end (a leaked client is one nobody holds any more, but it is still closed here).
 */
export class ClientFactory {
  private readonly made: { readonly client: HttpClient; readonly by: string }[] = [];

  /** The task's `createClient`: one step at its gate, the await of the seed's `AsyncSession(...)`. */
  forTask(steps: TaskSteps): () => Promise<HttpClient> {
    return () => steps.access('await createClient()', () => this.open(steps.name), (client) => client.name);
  }

  get created(): readonly { readonly client: string; readonly by: string }[] {
    return this.made.map((m) => ({ client: m.client.name, by: m.by }));
  }

  closeAll(): void {
    for (const { client } of this.made) client.agent.destroy();
  }

  private open(by: string): HttpClient {
    const client: HttpClient = { name: `client-${this.made.length + 1}`, agent: new Agent({ keepAlive: true }) };
    this.made.push({ client, by });
    return client;
  }
}
