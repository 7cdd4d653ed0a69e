import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in a worker thread with its own connection. CommonJS because eval'd workers are scripts.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  tick();
  db.close();
  parentPort.postMessage('closed');
});
`;

/**
 * Checkpoints the SQLite WAL from a worker thread. A checkpoint copies pages into the database
 * file and syncs it; done by the connection that commits, it stalls request handling for a
 * moment every few thousand pages. A PASSIVE checkpoint never blocks the writer, so here it
 * runs beside it; the main connection keeps a high automatic threshold as a safety net.
 */
export class Checkpointer {
  private readonly worker: Worker;

  constructor(path: string, intervalMs = 200) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, path, intervalMs } });
    this.worker.unref();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.once('exit', () => resolve());
      this.worker.once('error', () => resolve());
    });
    this.worker.postMessage('close');
    await closed;
    await this.worker.terminate();
  }
}
