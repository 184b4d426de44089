// The WAL checkpointer's thread (see checkpointer.ts): a connection of its own that copies committed
// pages back into the database file, PASSIVE, so no request pays for it. Plain JavaScript, because a
// worker thread starts without the TypeScript loader of its parent.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.filename);
db.pragma('busy_timeout = 0');
let stopped = false;
const timer = setInterval(() => {
  if (stopped) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next tick retries.
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  stopped = true;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
