/**
 * The shared HTTP client of seed 004 (luca-nrw-scraper, http/client.py), as its authors would write it in
 * TypeScript: a process-wide slot holding one client, filled on first use by the getter.
 *
 * `getClientSync` is upstream's `get_client` before the fix (f68737a): it checks the slot and, if it is empty,
 * makes the client and stores it, with no await in between; `getClientSyncAsyncioLocked` is upstream's fix
 * (5cb4a38): the same body under a module-level asyncio lock; `getClientSyncThreadLocked` the same under a
 * thread lock (lockstep's fix for threads). Called from a task on one event loop, each is one step.
 *
 * `getClientUnguarded` is lockstep's own: it awaits the creation between the check and the store, so that a
 * second task can pass the same check on one event loop and create a second client (one of them is overwritten
 * and leaks its connection pool); `getClientLocked` is that body under an asyncio-style lock.
 *
 * Every shared access and the await of the creation go through the task's TaskSteps (a gate first).
 */
import { Agent } from 'node:http';
import { AsyncMutex } from '../async/async-mutex.js';
import { ThreadLock } from '../async/thread-lock.js';
import type { TaskSteps } from '../async/task-steps.js';
import { withLock } from '../async/with-lock.js';

/** A client owns a keep-alive connection pool (a real http.Agent); two clients are two pools. */
export interface HttpClient {
  readonly name: string;
  readonly agent: Agent;
}

/** The module-level state of client.py: the shared client, and the lock the fix added (or a thread lock). */
export class ClientSlot {
  client: HttpClient | null = null;
  readonly lock = new AsyncMutex();
  readonly threadLock = new ThreadLock();
}

/** What one task brings to the getter: its steps, and the client factory (an async call: the await). */
export interface GetterTask {
  readonly steps: TaskSteps;
  createClient(): Promise<HttpClient>;
}

const nameOrNone = (client: HttpClient | null): string => client?.name ?? 'none';

/** Lockstep's awaited getter: check, await the creation, store. */
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

/** Lockstep's awaited getter under the slot's asyncio-style lock. */
export function getClientLocked(slot: ClientSlot, task: GetterTask): Promise<HttpClient> {
  return withLock(slot.lock, task.steps, () => getClientUnguarded(slot, task));
}

/** What a synchronous getter returns: the client, and whether this call made it. */
export interface GotClient {
  readonly client: HttpClient;
  readonly created: boolean;
}

/** Upstream's `get_client` before the fix: check and store with no await between. */
export function getClientSync(slot: ClientSlot, create: () => HttpClient): GotClient {
  if (slot.client !== null) return { client: slot.client, created: false };
  slot.client = create();
  return { client: slot.client, created: true };
}

/**
 * Upstream's fix: `async with _CLIENT_LOCK:` around the same body. On one event loop the lock is never found
 * taken (its holder never yields while it holds it), so the acquire does not yield either.
 */
export function getClientSyncAsyncioLocked(slot: ClientSlot, owner: string, create: () => HttpClient): GotClient {
  const attempt = slot.lock.acquire(owner);
  if (attempt.kind !== 'acquired') throw new Error(`${owner} found the asyncio lock held by ${attempt.holder}: its holder yielded while holding it`);
  try {
    return getClientSync(slot, create);
  } finally {
    slot.lock.release(owner);
  }
}

/** The same body under a thread lock. */
export function getClientSyncThreadLocked(slot: ClientSlot, create: () => HttpClient): GotClient {
  slot.threadLock.acquire();
  try {
    return getClientSync(slot, create);
  } finally {
    slot.threadLock.release();
  }
}

/** A task calls a synchronous getter: at its turn (one gate), and the whole call runs before any other task. */
export async function getClientFromTask(steps: TaskSteps, action: string, call: () => GotClient): Promise<HttpClient> {
  const got = await steps.access(action, call, (g) => `${g.client.name} (${g.created ? 'created' : 'found'})`);
  return got.client;
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

  /** A synchronous constructor for `by` (upstream's `AsyncSession(...)`, which has no await). */
  maker(by: string): () => HttpClient {
    return () => this.open(by);
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
