/**
 * The real processes of the stale-lock scenario, and where they work.
 *
 * Contenders. Forking a node process costs tens of milliseconds, and an exhaustive check on the real engine
 * replays about a hundred schedules, so contender processes are kept warm between runs: a run leases N of
 * them, and gives back those that finished their program (one that was left parked mid-program, or failed,
 * is killed instead). Each run is still a fresh lock on a fresh directory.
 *
 * Crashed holders. A stale lock must be real: the real lock code in a real process took it, and that
 * process was killed with SIGKILL (and reaped, so its pid is not a zombie's: kill(pid, 0) on a zombie
 * succeeds). One holder takes the lock in a batch of fresh run directories and is then killed, so one fork
 * serves a batch of runs; before a directory is used, its holder's pid is checked to be still dead (pids are
 * reused: pid_max is 32768 here), and a batch whose pid came back to life is thrown away.
 *
 * Cleanup. Every directory lives under one root (os.tmpdir()/lockstep-stale-XXXXXX). The shared instance
 * closes itself, killing every child and removing the root, once no run has used it for IDLE_CLOSE_MS, and
 * at process exit; children are unreferenced while idle so they never keep the parent alive, and a child
 * exits by itself when its parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processIsAlive, type StaleLockVariant } from './pid-lock-file.js';
import type { ChildMessage, ParentMessage } from './protocol.js';

const CHILD_MODULE = new URL('./stale-lock.child.js', import.meta.url);
export const LOCK_FILE = 'lock';
export const HOLDER_BATCH = 16;
export const IDLE_CLOSE_MS = 300;

/** One forked child and its IPC messages, read one at a time. */
export class ChildHandle {
  private readonly queue: ChildMessage[] = [];
  private waiter: { resolve: (m: ChildMessage) => void; reject: (e: Error) => void } | null = null;
  private exitedWith: string | null = null;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitedWith = signal ?? `code ${String(code)}`;
        this.waiter?.reject(new Error(`child ${pid} exited (${this.exitedWith})`));
        this.waiter = null;
        resolve();
      });
    });
    child.on('message', (message: ChildMessage) => {
      const waiter = this.waiter;
      this.waiter = null;
      if (waiter !== null) waiter.resolve(message);
      else this.queue.push(message);
    });
  }

  static async fork(): Promise<ChildHandle> {
    const child = fork(CHILD_MODULE, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    const pid = child.pid;
    if (pid === undefined) throw new Error('could not fork a stale-lock child');
    const handle = new ChildHandle(child, pid);
    const first = await handle.next();
    if (first.type !== 'ready') {
      await handle.kill();
      throw new Error(`a new child said ${first.type} instead of ready`);
    }
    return handle;
  }

  get alive(): boolean {
    return this.exitedWith === null;
  }

  send(message: ParentMessage): void {
    if (!this.alive) throw new Error(`child ${this.pid} has exited (${this.exitedWith})`);
    this.child.send(message);
  }

  /** The next message; rejects if the child exits first. */
  next(): Promise<ChildMessage> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (!this.alive) return Promise.reject(new Error(`child ${this.pid} exited (${this.exitedWith})`));
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** SIGKILL, and resolves once the child has been reaped. */
  async kill(): Promise<void> {
    // Referenced again, or an idle (unreferenced) child would let the parent exit before the reaping.
    this.hold(true);
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Synchronous last resort (process exit): SIGKILL without waiting. */
  killNow(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Whether the child (and its channel) keep the parent's event loop alive. */
  hold(keepAlive: boolean): void {
    if (keepAlive) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }
}

/** A stale lock ready for one run: its directory, lock path, and the dead holder's pid. */
export interface StaleLockDir {
  readonly dir: string;
  readonly lockPath: string;
  readonly holderPid: number;
}

export class StaleLockProcesses {
  readonly root: string;
  private idle: ChildHandle[] = [];
  private readonly busy = new Set<ChildHandle>();
  private readonly prepared = new Map<StaleLockVariant, StaleLockDir[]>();
  private nextDir = 0;
  private leases = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Crashed holders forked so far (each killed once its batch of locks was taken). */
  holdersKilled = 0;

  constructor(parentDir: string = tmpdir()) {
    this.root = mkdtempSync(join(parentDir, 'lockstep-stale-'));
    exitHooks.add(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Marks the start of a run: the instance stays open until every lease is returned (and IDLE_CLOSE_MS more). */
  lease(): void {
    if (this.closed) throw new Error('the stale-lock processes are closed');
    this.leases++;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  unlease(): void {
    this.leases = Math.max(0, this.leases - 1);
    if (this.leases > 0 || this.closed || this !== shared) return;
    this.idleTimer = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  /** N warm contender processes (forked when there are not enough idle ones). */
  async contenders(count: number): Promise<ChildHandle[]> {
    const handles: ChildHandle[] = [];
    try {
      while (handles.length < count) {
        let handle = this.idle.pop();
        while (handle !== undefined && !handle.alive) handle = this.idle.pop(); // died while idle: forget it
        handle ??= await ChildHandle.fork();
        this.busy.add(handle);
        handle.hold(true);
        handles.push(handle);
        if (this.closed) throw new Error('the stale-lock processes were closed while forking');
      }
      return handles;
    } catch (error) {
      await Promise.all(handles.map((h) => this.giveBack(h, false)));
      throw error;
    }
  }

  /** Returns a contender: kept warm if `reusable` (its program finished), else killed. */
  async giveBack(handle: ChildHandle, reusable: boolean): Promise<void> {
    this.busy.delete(handle);
    if (reusable && handle.alive && !this.closed) {
      handle.hold(false);
      this.idle.push(handle);
    } else {
      await handle.kill();
    }
  }

  /** A fresh directory whose lock file was taken by a process that has since been killed. */
  async staleLock(variant: StaleLockVariant): Promise<StaleLockDir> {
    const queue = this.prepared.get(variant) ?? [];
    this.prepared.set(variant, queue);
    for (;;) {
      const next = queue.shift();
      if (next === undefined) {
        queue.push(...(await this.prepareBatch(variant)));
        continue;
      }
      if (!processIsAlive(next.holderPid)) return next;
      // The pid was reused by some other process: this batch's locks are no longer stale.
      for (const dir of [next, ...queue.splice(0)]) rmSync(dir.dir, { recursive: true, force: true });
    }
  }

  /** Removes a run's directory. */
  discard(dir: StaleLockDir): void {
    rmSync(dir.dir, { recursive: true, force: true });
  }

  private async prepareBatch(variant: StaleLockVariant): Promise<StaleLockDir[]> {
    if (this.closed) throw new Error('the stale-lock processes are closed');
    const dirs = Array.from({ length: HOLDER_BATCH }, () => {
      const dir = join(this.root, `run-${this.nextDir++}`);
      mkdirSync(dir);
      return dir;
    });
    const holder = await ChildHandle.fork();
    this.busy.add(holder);
    try {
      holder.send({ type: 'hold', lockPaths: dirs.map((d) => join(d, LOCK_FILE)), settings: { variant, maxTries: 1 } });
      const answer = await holder.next();
      if (answer.type !== 'holding-all') throw new Error(`the crashed holder said ${answer.type}${answer.type === 'failed' ? `: ${answer.message}` : ''}`);
    } catch (error) {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      // The crash: a real SIGKILL, awaited until the process is reaped.
      await holder.kill();
      this.busy.delete(holder);
      this.holdersKilled++;
    }
    if (processIsAlive(holder.pid)) throw new Error(`the crashed holder ${holder.pid} still answers kill(pid, 0) after SIGKILL`);
    return dirs.map((dir) => ({ dir, lockPath: join(dir, LOCK_FILE), holderPid: holder.pid }));
  }

  /** Kills every child (awaited) and removes every directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    if (shared === this) shared = null;
    const all = [...this.idle, ...this.busy];
    this.idle = [];
    this.busy.clear();
    await Promise.all(all.map((h) => h.kill()));
    rmSync(this.root, { recursive: true, force: true });
    exitHooks.delete(this);
  }

  /** Synchronous cleanup at process exit. */
  closeNow(): void {
    for (const h of [...this.idle, ...this.busy]) h.killNow();
    rmSync(this.root, { recursive: true, force: true });
  }
}

const exitHooks = new Set<StaleLockProcesses>();
process.once('exit', () => {
  for (const processes of exitHooks) processes.closeNow();
});

let shared: StaleLockProcesses | null = null;

/** The instance runs share (created on first use, closed when idle). */
export function sharedStaleLockProcesses(): StaleLockProcesses {
  if (shared === null || shared.isClosed) {
    shared = new StaleLockProcesses();
  }
  return shared;
}

/** Closes the shared instance now (tests call it in `after`). */
export async function closeSharedStaleLockProcesses(): Promise<void> {
  await shared?.close();
}
