/**
 * The ticket scenario on the real engine: one database in its own temporary directory, one connection per
 * worker (busy timeout 0, the busy handler emulated by SteppedConnection), every worker running the real
 * TicketRepository code under a LockStepGate. Implements the RealRun seam; observe() reports the same shape as
 * the model's TicketsObservation (declared here again: impl/ does not import spec/).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealRun, RealStepRecord } from '../engine-seam.js';
import { LockStepGate } from '../lock-step/step-gate.js';
import { SteppedConnection } from './stepped-connection.js';
import { TICKETS_SCHEMA, TicketRepository, type TicketLock, type TransactionMode } from './ticket-repository.js';

export interface TicketsRunParams {
  readonly workers: number;
  readonly journal: 'delete' | 'wal';
  readonly mode: TransactionMode;
  readonly workload: 'acquire' | 'next';
  readonly busyTimeoutMs: number;
}

type WorkerResult = { kind: 'running' } | { kind: 'acquired'; ticket: string } | { kind: 'failed'; error: string };

interface WorkerView {
  readonly name: string;
  readonly status: 'running' | 'waiting' | 'acquired' | 'failed';
  readonly ticket: string | null;
  readonly error: string | null;
}

const LEASE_EXPIRES = 3_600_000;

export async function openTicketsLockStepRun(params: TicketsRunParams): Promise<RealRun> {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-'));
  const file = join(dir, 'tickets.db');
  const handles: Database.Database[] = [];
  try {
    const tickets = Array.from({ length: params.workers }, (_, i) => `ticket-${i}`);
    // Busy timeout 0 here too: the observer must never wait on a lock a worker holds (see refreshHolders).
    const setup = new Database(file, { timeout: 0 });
    handles.push(setup);
    setup.exec(TICKETS_SCHEMA);
    const insert = setup.prepare('INSERT INTO tickets (id) VALUES (?)');
    for (const id of tickets) insert.run(id);
    if (params.journal === 'wal') setup.pragma('journal_mode = WAL');
    const observer = setup;
    const readHolders = observer.prepare<[], { id: string; locked_by: string | null }>('SELECT id, locked_by FROM tickets ORDER BY id');
    const actors = tickets.map((_, i) => `worker-${i}`);
    const gates = actors.map(() => new LockStepGate());
    const connections = actors.map((_, i) => {
      const db = new Database(file, { timeout: 0 });
      handles.push(db);
      return new SteppedConnection(db, params.journal, gates[i]!);
    });
    const results: WorkerResult[] = actors.map(() => ({ kind: 'running' }));
    const done: Promise<unknown>[] = [];
    for (const [i, name] of actors.entries()) {
      const repository = new TicketRepository(connections[i]!, params.mode);
      const program = async (): Promise<void> => {
        try {
          const lock: TicketLock | null =
            params.workload === 'acquire'
              ? await repository.acquireLock(tickets[i]!, name, LEASE_EXPIRES)
              : await repository.getAndLockNextTicket(tickets, name, LEASE_EXPIRES);
          results[i] = lock === null ? { kind: 'failed', error: 'taken' } : { kind: 'acquired', ticket: lock.ticketId };
        } catch (error) {
          results[i] = { kind: 'failed', error: (error as { code?: string }).code ?? String(error) };
        }
      };
      done.push((await gates[i]!.start(program)).done);
    }

    // Committed holders, read between steps. In rollback mode a PENDING or EXCLUSIVE holder refuses the
    // observer's SHARED; nothing can have committed since that holder took its RESERVED lock, so the last
    // reading is still the committed state.
    let holders: Record<string, number | null> = Object.fromEntries(tickets.map((t) => [t, null]));
    const refreshHolders = (): void => {
      try {
        holders = Object.fromEntries(readHolders.all().map((row) => [row.id, row.locked_by === null ? null : Number(row.locked_by.slice('worker-'.length))]));
      } catch (error) {
        if (!((error as { code?: string }).code ?? '').startsWith('SQLITE_BUSY')) throw error;
      }
    };
    refreshHolders();
    let closed = false;

    const run: RealRun = {
      actors,
      finished: (actor) => results[actor]?.kind !== 'running',
      async step(actor): Promise<RealStepRecord> {
        const gate = gates[actor];
        if (gate === undefined || results[actor]!.kind !== 'running') throw new Error(`${actors[actor] ?? actor} cannot step: it has finished`);
        const before = connections[actor]!.records.length;
        await gate.release(done[actor]!);
        refreshHolders();
        const record = connections[actor]!.records[before];
        if (record === undefined) throw new Error(`${actors[actor]} took a step that ran no statement`);
        return { actor: actors[actor]!, ...record };
      },
      observe(): { workers: WorkerView[]; holders: Record<string, number | null> } {
        return {
          workers: actors.map((name, i) => {
            const result = results[i]!;
            switch (result.kind) {
              case 'running':
                return { name, status: connections[i]!.waiting ? 'waiting' : 'running', ticket: null, error: null };
              case 'acquired':
                return { name, status: 'acquired', ticket: result.ticket, error: null };
              case 'failed':
                return { name, status: 'failed', ticket: null, error: result.error };
            }
          }),
          holders: { ...holders },
        };
      },
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        for (const db of handles) if (db.open) db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return run;
  } catch (error) {
    for (const db of handles) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
