// A request handler that counts page hits: read the row, await something (here a call to another service,
// marked as a scheduling point so lockstep can switch requests there), write the row back. `db` is an async
// connection (every statement returns a promise), `call` the awaited call.
export async function countHitReadModifyWrite(db, call) {
  const { hits } = await db.prepare('SELECT hits FROM pages WHERE id = ?').get(1);
  await call();
  await db.prepare('UPDATE pages SET hits = ? WHERE id = ?').run(hits + 1, 1);
}

// Fix 1: let SQLite do the arithmetic, atomically.
export async function countHitAtomic(db, call) {
  await call();
  await db.prepare('UPDATE pages SET hits = hits + 1 WHERE id = ?').run(1);
}

// Fix 2: read and write in one transaction that takes the write lock first.
export async function countHitImmediate(db, call) {
  await db.transaction(async () => {
    const { hits } = await db.prepare('SELECT hits FROM pages WHERE id = ?').get(1);
    await call();
    await db.prepare('UPDATE pages SET hits = ? WHERE id = ?').run(hits + 1, 1);
  }).immediate();
}
