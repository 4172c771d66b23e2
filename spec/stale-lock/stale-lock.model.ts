/**
 * The stale-lock scenario (seed 003, bolt) as a state space. A process took the pid lock file and was killed
 * before the run (its pid is in the file and it is dead); N live contenders then each run the lock code
 * (lock-contender.machine.ts) against a pure model of the file system: the lock file (absent, or one inode
 * with the pid of its creator, or still empty), the tombstones, and which processes are dead.
 *
 * Inodes. The lock path names at most one inode; a contender that created a file keeps writing through its
 * descriptor, so if its file was unlinked meanwhile the write lands in an orphaned inode and the path is
 * unaffected. An inode is named by its creator: a contender creates at most one lock file per run.
 *
 * Liveness of processes is fixed during a run: the crashed holder is dead from the start, every contender
 * lives until the run is closed. Nothing here depends on time (no timeouts), so the world has no clock; the
 * real code's backoff between tries is a real sleep in production and none under the lock-step driver.
 */
import { initialTransition, transition } from 'xstate';
import type { SnapshotFrom } from 'xstate';
import type { ExposedWorld, ScenarioModel, StepRecord, WorldKey } from '../scenario-model.js';
import { actorStatusOf, exposeActors, exposedActor } from '../exposed-world.js';
import type { LockContenderEvent, LockContenderState, Owner, StaleLockVariant } from './lock-contender.machine.js';
import { lockContenderMachine } from './lock-contender.machine.js';
import type { ContenderStatus, StaleLockObservation } from './stale-lock.observation.js';
import { CRASHED, contenderName } from './stale-lock.observation.js';

export interface StaleLockParams {
  readonly variant: StaleLockVariant;
  /** Live contenders, each a process. */
  readonly contenders: number;
  /** Creates each contender may try before it gives up. */
  readonly maxTries: number;
}

type ContenderSnapshot = SnapshotFrom<typeof lockContenderMachine>;

/** The inode at the lock path: whose pid it holds (its creator's, once written). */
export interface LockFile {
  readonly creator: Owner;
  readonly written: boolean;
}

export interface StaleLockWorld {
  readonly contenders: readonly ContenderSnapshot[];
  readonly lock: LockFile | null;
  /** Owners whose stale lock someone has claimed with lock.broken-<pid>, ascending by name. */
  readonly tombstones: readonly Owner[];
  /** Processes that are dead (their pid fails kill(pid, 0) with ESRCH). */
  readonly dead: readonly Owner[];
}

export const ownerName = (owner: Owner): string => (owner === 'crashed' ? CRASHED : contenderName(owner));

const stateOf = (contender: ContenderSnapshot): LockContenderState => contender.value as LockContenderState;

/** The step a contender takes next as the trace shows it, or null when it has finished. */
export function actionText(contender: ContenderSnapshot): string | null {
  const state = stateOf(contender);
  switch (state) {
    case 'creating':
      return 'open lock wx';
    case 'writing':
      return 'write own pid';
    case 'reading':
      return 'read lock, kill(pid, 0)';
    case 'marking':
      return `open lock.broken-${ownerName(contender.context.stale ?? 'crashed')} wx`;
    case 'removing':
      return 'unlink lock';
    case 'holding':
      return 'unlink lock (release)';
    case 'released':
    case 'gaveUp':
      return null;
  }
}

/** What the file system answers to `actor`'s next step: the event for its machine, the outcome words, and the new files. */
function answer(world: StaleLockWorld, actor: number): { event: LockContenderEvent; outcome: string; lock: LockFile | null; tombstones: readonly Owner[] } {
  const contender = world.contenders[actor]!;
  const { lock, tombstones } = world;
  const state = stateOf(contender);
  switch (state) {
    case 'creating':
      return lock === null
        ? { event: { type: 'CREATED' }, outcome: 'created', lock: { creator: actor, written: false }, tombstones }
        : { event: { type: 'EXISTS' }, outcome: 'EEXIST', lock, tombstones };
    case 'writing':
      // Through the descriptor: lands in the lock file only if the path still names the inode it created.
      return { event: { type: 'WRITTEN' }, outcome: 'written, holds', lock: lock !== null && lock.creator === actor ? { creator: actor, written: true } : lock, tombstones };
    case 'reading': {
      if (lock === null) return { event: { type: 'MISSING' }, outcome: 'ENOENT', lock, tombstones };
      if (!lock.written) return { event: { type: 'EMPTY' }, outcome: 'empty', lock, tombstones };
      const owner = lock.creator;
      return world.dead.includes(owner)
        ? { event: { type: 'OWNER_DEAD', owner }, outcome: `pid of ${ownerName(owner)}, dead`, lock, tombstones }
        : { event: { type: 'OWNER_ALIVE', owner }, outcome: `pid of ${ownerName(owner)}, alive`, lock, tombstones };
    }
    case 'marking': {
      const stale = contender.context.stale ?? 'crashed';
      return tombstones.includes(stale)
        ? { event: { type: 'EXISTS' }, outcome: 'EEXIST', lock, tombstones }
        : { event: { type: 'CREATED' }, outcome: 'created', lock, tombstones: [...tombstones, stale].sort((a, b) => ownerName(a).localeCompare(ownerName(b))) };
    }
    case 'removing':
    case 'holding':
      return lock === null
        ? { event: { type: 'MISSING' }, outcome: 'ENOENT', lock, tombstones }
        : { event: { type: 'REMOVED' }, outcome: 'ok', lock: null, tombstones };
    case 'released':
    case 'gaveUp':
      throw new RangeError(`${contenderName(actor)} cannot step: it has finished`);
  }
}

function statusOf(contender: ContenderSnapshot): ContenderStatus {
  const state = stateOf(contender);
  switch (state) {
    case 'holding':
      return 'holding';
    case 'released':
      return 'released';
    case 'gaveUp':
      return 'gave-up';
    case 'creating':
    case 'writing':
    case 'reading':
    case 'marking':
    case 'removing':
      return 'trying';
  }
}

export function createStaleLockModel(params: StaleLockParams): ScenarioModel<StaleLockWorld, StaleLockObservation> {
  const { variant, contenders: count, maxTries } = params;
  const actors = Array.from({ length: count }, (_, i) => contenderName(i));
  const initial: StaleLockWorld = {
    contenders: actors.map(() => initialTransition(lockContenderMachine, { variant, maxTries })[0]),
    lock: { creator: 'crashed', written: true },
    tombstones: [],
    dead: ['crashed'],
  };

  const finished = (world: StaleLockWorld, actor: number): boolean => actionText(world.contenders[actor]!) === null;

  function step(world: StaleLockWorld, actor: number): { world: StaleLockWorld; record: StepRecord } {
    const contender = world.contenders[actor];
    const action = contender === undefined ? null : actionText(contender);
    if (contender === undefined || action === null) throw new RangeError(`${actors[actor] ?? `actor ${actor}`} cannot step: it has finished`);
    const { event, outcome, lock, tombstones } = answer(world, actor);
    const [next] = transition(lockContenderMachine, contender, event);
    const contenders = world.contenders.slice();
    contenders[actor] = next;
    return {
      world: { contenders, lock, tombstones, dead: world.dead },
      record: { actor: actors[actor]!, action, outcome: stateOf(next) === 'gaveUp' ? `${outcome}, gives up` : outcome },
    };
  }

  /**
   * Contenders are interchangeable: the key is the sorted multiset of local views plus the shared files. Sound
   * because no contender ever dies here, so a contender's index never appears in `stale` or `tombstones`, and
   * the lock file's creator is seen from each contender only as mine, another's, or the crashed holder's.
   */
  function key(world: StaleLockWorld): WorldKey {
    const { lock } = world;
    const locals = world.contenders.map((c, i) =>
      JSON.stringify([c.value, c.context.tries, c.context.stale, lock === null ? null : lock.creator === i ? 'mine' : lock.creator === 'crashed' ? 'crashed' : 'other']),
    );
    const shared = JSON.stringify([lock === null ? null : lock.written, world.tombstones, world.dead]);
    return `${locals.sort().join('|')}#${shared}` as WorldKey;
  }

  function observe(world: StaleLockWorld): StaleLockObservation {
    const { lock } = world;
    return {
      contenders: world.contenders.map((c, i) => ({ name: actors[i]!, status: statusOf(c) })),
      lockFile: lock === null ? null : lock.written ? ownerName(lock.creator) : 'empty',
    };
  }

  /** The dangerous window: two contenders have both read the dead pid and not yet acted on it. */
  function notable(world: StaleLockWorld): string[] {
    const tags: string[] = [];
    if (world.contenders.filter((c) => c.context.stale !== null).length >= 2) tags.push('both-saw-stale');
    // A contender believes it holds the lock but the path no longer names its file.
    if (world.contenders.some((c, i) => stateOf(c) === 'holding' && (world.lock === null || world.lock.creator !== i))) tags.push('lock-file-lost');
    return tags;
  }

  /** Each contender's state and whether it holds the lock; the lock file, the tombstones, the dead processes. */
  function expose(world: StaleLockWorld): ExposedWorld {
    const observation = observe(world);
    return {
      actors: exposeActors(actors, (actor) => {
        const view = observation.contenders[actor]!;
        return exposedActor(String(world.contenders[actor]!.value), actorStatusOf(view.status), null, view.status === 'holding' ? 'holds' : null);
      }),
      shared: {
        lock: world.lock === null ? null : world.lock.written ? `pid of ${ownerName(world.lock.creator)}` : `empty (created by ${ownerName(world.lock.creator)})`,
        tombstones: world.tombstones.map((owner) => `lock.broken-${ownerName(owner)}`),
        dead: world.dead.map(ownerName),
      },
    };
  }

  return {
    actors,
    initial,
    expose,
    enabled: (world) => actors.map((_, a) => a).filter((a) => !finished(world, a)),
    step,
    key,
    observe,
    finished,
    describe: (world, actor) => String(world.contenders[actor]!.value),
    // What a contender believes about the lock after a step (the renderers' lock column).
    lockHeld: (world, actor) => (stateOf(world.contenders[actor]!) === 'holding' ? 'holds' : '-'),
    sharedName: 'file system',
    notable,
  };
}
