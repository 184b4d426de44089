// WAL checkpoints copy committed pages back into the database file and fsync it: tens of milliseconds
// after a large write. SQLite runs them inside the commit that crosses `wal_autocheckpoint`, so one
// request in a few would pay for them. A worker thread with a connection of its own runs them instead.
import { Worker } from 'node:worker_threads';

const checkpointEveryMs = 200;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** `onStopped` runs when the worker ends by anything but stop(): the caller takes checkpoints back. */
export function startCheckpointer(filename: string, onStopped: () => void): Checkpointer {
  const worker = new Worker(new URL('./checkpointer-worker.mjs', import.meta.url), { workerData: { filename, everyMs: checkpointEveryMs } });
  worker.unref();
  let exited = false;
  let stopping = false;
  const exit = new Promise<void>((done) => worker.once('exit', () => {
    exited = true;
    if (!stopping) onStopped();
    done();
  }));
  // A failed checkpointer must not take the server down; its exit hands checkpoints back.
  worker.on('error', () => {});
  return {
    stop: async () => {
      stopping = true;
      if (exited) return;
      // Held again while it closes its connection, or the process could end before that.
      worker.ref();
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exit;
      clearTimeout(timer);
    },
  };
}
