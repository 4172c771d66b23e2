/** Why the pool's `shared` scheme has no thread form (the command line prints this as its usage error). */
export const SHARED_ON_THREADS =
  'a better-sqlite3 connection belongs to the thread that opened it, so one connection shared by several threads cannot exist in Node: run shared-connection with --runtime async';
