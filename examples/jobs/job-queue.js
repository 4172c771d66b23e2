// A job queue on SQLite, as an application would write it: a worker claims the oldest queued job under a lease
// (BEGIN IMMEDIATE, so two workers never claim the same job at once), works on it, and records its result; a
// maintenance task requeues the jobs whose lease has expired, so that a job whose worker died is not lost.
//
// The functions take a better-sqlite3-shaped connection and await every statement, so they run unchanged on a
// plain synchronous connection (await of a plain value) and on lockstep's async one. The time is Date.now().
// "database is locked" (SQLITE_BUSY after the busy timeout) means "not now": the worker polls again later, the
// job's lease runs out and somebody does it then.

export const LEASE_MS = 5 * 60_000; // a claim holds the job for 5 minutes
export const SWEEP_EVERY_MS = 10 * 60_000; // the maintenance task runs every 10 minutes

export const SCHEMA = `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL DEFAULT 'queued',   -- queued | running | done
    holder TEXT,
    token INTEGER NOT NULL DEFAULT 0,       -- bumped by every claim: the fencing token
    lease_until INTEGER,
    completions INTEGER NOT NULL DEFAULT 0  -- how many times a worker recorded the job's result
  );
`;

const isBusy = (error) => typeof error?.code === 'string' && error.code.startsWith('SQLITE_BUSY');

/** Claims the oldest queued job for `worker`: `{ id, token }`, or null when there is none (or the queue is busy: try later). */
export async function claimNextJob(db, worker) {
  try {
    await db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if (isBusy(error)) return null;
    throw error;
  }
  try {
    const job = await db.prepare("SELECT id, token FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1").get();
    if (job === undefined) {
      await db.exec('COMMIT');
      return null;
    }
    const token = job.token + 1;
    await db.prepare("UPDATE jobs SET state = 'running', holder = ?, token = ?, lease_until = ? WHERE id = ?").run(worker, token, Date.now() + LEASE_MS, job.id);
    await db.exec('COMMIT');
    return { id: job.id, token };
  } catch (error) {
    if (db.inTransaction) await db.exec('ROLLBACK');
    throw error;
  }
}

/** Runs one statement; SQLITE_BUSY comes back as null (not now). */
async function unlessBusy(run) {
  try {
    return await run();
  } catch (error) {
    if (isBusy(error)) return null;
    throw error;
  }
}

/** Records that the job is done. As first written: it does not check that the caller still holds the job. */
export async function completeJob(db, job) {
  const marked = await unlessBusy(() => db.prepare("UPDATE jobs SET state = 'done', completions = completions + 1 WHERE id = ?").run(job.id));
  return marked === null ? 'busy' : 'done';
}

/** The fix: the completion's UPDATE requires the holder's token; a worker whose lease was taken over records nothing. */
export async function completeJobFenced(db, job) {
  const marked = await unlessBusy(() =>
    db.prepare("UPDATE jobs SET state = 'done', completions = completions + 1 WHERE id = ? AND state = 'running' AND token = ?").run(job.id, job.token),
  );
  if (marked === null) return 'busy';
  return marked.changes === 1 ? 'done' : 'lease-lost';
}

/** The maintenance task's work: requeue every running job whose lease has expired. */
export async function requeueExpiredJobs(db) {
  const requeued = await unlessBusy(() => db.prepare("UPDATE jobs SET state = 'queued', holder = NULL WHERE state = 'running' AND lease_until < ?").run(Date.now()));
  return requeued === null ? 0 : requeued.changes;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The maintenance task: every SWEEP_EVERY_MS, requeue the expired jobs; `sweeps` times (a service would loop forever). */
export async function maintenance(db, sweeps) {
  let requeued = 0;
  for (let i = 0; i < sweeps; i++) {
    await sleep(SWEEP_EVERY_MS);
    requeued += await requeueExpiredJobs(db);
  }
  return requeued;
}

/** A worker: claim a job, work on it, record that it is done. */
export async function worker(db, name, complete) {
  const job = await claimNextJob(db, name);
  if (job === null) return 'idle';
  return complete(db, job);
}
