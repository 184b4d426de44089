// The snapshot parser's worker thread: parses the file's JSON (tens of megabytes take seconds) away
// from the event loop, keeps only the known sections, and hands their records back in small JSON
// chunks, one per request of the reading thread. Plain JavaScript: a worker thread loads it by URL,
// the same under tsx, vitest and a build.
import { parentPort, workerData } from 'node:worker_threads';

/** The file's value, or `notJson` once the refusal is sent. */
const notJson = Symbol('not JSON');

function parse() {
  const bytes = Buffer.from(workerData.bytes.buffer, workerData.bytes.byteOffset, workerData.bytes.byteLength);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    parentPort.postMessage({ invalidJson: error.message.slice(0, 200) });
    return notJson;
  }
}

function serve(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    parentPort.postMessage({ notAnObject: Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value });
    return;
  }
  const header = {};
  for (const key of workerData.headerKeys) if (key in value) header[key] = value[key];
  const sections = {};
  for (const key of workerData.sectionKeys) {
    const list = value[key];
    sections[key] = Array.isArray(list) ? [] : list === undefined ? undefined : { notAnArray: typeof list };
  }
  parentPort.postMessage({ header, sections });
  // One chunk per request of the reading thread, which stops asking at the first invalid record.
  const pending = [];
  for (const key of workerData.sectionKeys) if (Array.isArray(value[key])) pending.push([key, 0]);
  parentPort.on('message', () => {
    while (pending.length > 0 && pending[0][1] >= value[pending[0][0]].length) pending.shift();
    if (pending.length === 0) {
      parentPort.postMessage({ done: true });
      return;
    }
    const [key, start] = pending[0];
    pending[0][1] = start + workerData.chunkRecords;
    parentPort.postMessage({ section: key, chunk: JSON.stringify(value[key].slice(start, start + workerData.chunkRecords)) });
  });
}

const value = parse();
if (value !== notJson) serve(value);
