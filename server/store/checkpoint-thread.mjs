// The SQLite store's WAL checkpoints, on a connection and thread of their own (see db.ts): copying
// the log back into the database and syncing it never holds up the event loop that answers.
// Plain JavaScript, so it runs as is from the sources and from dist/node alike.
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, everyMs } = workerData;
const db = new SQLite(file);
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs, without waiting for or blocking anyone.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The database busy or locked for a moment: the next round tries again.
  }
}, everyMs);

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
