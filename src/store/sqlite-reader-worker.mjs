// A reader thread (see sqlite-readers.ts): a connection of its own to the database file that runs the
// statements of read-only requests, so that SQLite's work on a page runs beside the request thread's
// HTTP, JSON and validation. WAL lets it read while the request thread writes; every statement is its
// own read transaction and sees every commit made before it started. Plain JavaScript, because a
// worker thread starts without the TypeScript loader of its parent.
import { TextEncoder } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma(`cache_size = -${workerData.cacheKib}`);
// A reader never writes: a statement that would is refused by SQLite itself.
db.pragma('query_only = ON');

/** Prepared statements by SQL text, least recently used out (the request thread keeps its own likewise). */
const statements = new Map();

function prepared(text) {
  let statement = statements.get(text);
  if (statement) {
    statements.delete(text);
  } else {
    statement = db.prepare(text);
    if (statements.size >= workerData.statementCacheSize) statements.delete(statements.keys().next().value);
  }
  statements.set(text, statement);
  return statement;
}

const encoder = new TextEncoder();
/** Columns named `…_utf8` are texts the request thread sends on as they are (a page's JSON). */
const textColumn = /_utf8$/;

/**
 * A `…_utf8` column's text, as UTF-8 bytes whose memory is handed over with the message instead of
 * being copied into the request thread's heap as a string: a 54 KB page otherwise becomes garbage
 * there twice (the string, then its encoding for the socket). Answers the buffers to transfer.
 */
function bytesOfTextColumns(rows) {
  const transfer = [];
  for (const row of rows) {
    for (const column in row) {
      if (textColumn.test(column) && typeof row[column] === 'string') {
        row[column] = encoder.encode(row[column]);
        transfer.push(row[column].buffer);
      }
    }
  }
  return transfer;
}

parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, parameters } = message;
  try {
    const statement = prepared(sql);
    if (!statement.reader) throw Object.assign(new Error('a reader thread runs only statements that return rows'), { code: 'SQLITE_READONLY' });
    const rows = statement.all(...parameters);
    parentPort.postMessage({ id, rows }, bytesOfTextColumns(rows));
  } catch (error) {
    // The driver's code travels with the message: the request thread recognises failures by it.
    parentPort.postMessage({ id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
});
