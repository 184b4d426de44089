// Reading a snapshot file without stalling the server: a worker thread parses the JSON (tens of
// megabytes take seconds), keeps only the known sections, and hands them back as small JSON chunks;
// this thread parses and validates one chunk at a time, letting other requests run in between.
import { Worker } from 'node:worker_threads';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { invalidParameter } from '../loyalty/errors.ts';
import { describePath } from '../tenancy/seed.ts';

/** Records per chunk handed from the worker: small enough to parse and check in a millisecond or two. */
const chunkRecords = 1000;

// Plain JavaScript run with `eval`: the worker needs nothing but JSON, and works the same under tsx,
// vitest and a build.
const parserSource = `
const { parentPort, workerData } = require('node:worker_threads');
const bytes = Buffer.from(workerData.bytes.buffer, workerData.bytes.byteOffset, workerData.bytes.byteLength);
let value;
try {
  value = JSON.parse(bytes.toString('utf8'));
} catch (error) {
  parentPort.postMessage({ invalidJson: error.message.slice(0, 200) });
  return;
}
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
// One message per chunk: the receiving thread takes them one task at a time.
for (const key of workerData.sectionKeys) {
  const list = value[key];
  if (!Array.isArray(list)) continue;
  for (let start = 0; start < list.length; start += workerData.chunkRecords) {
    parentPort.postMessage({ section: key, chunk: JSON.stringify(list.slice(start, start + workerData.chunkRecords)) });
  }
}
parentPort.postMessage({ done: true });
`;

type ParsedMessage =
  | { invalidJson: string }
  | { notAnObject: string }
  | { header: Record<string, unknown>; sections: Record<string, string[] | { notAnArray: string } | undefined> };

function parseInWorker(bytes: Buffer, headerKeys: readonly string[], sectionKeys: readonly string[]): Promise<ParsedMessage> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(`(() => {${parserSource}})()`, {
      eval: true,
      workerData: { bytes, headerKeys, sectionKeys, chunkRecords },
    });
    let parsed: ParsedMessage | undefined;
    worker.on('message', (message: ParsedMessage | { section: string; chunk: string } | { done: true }) => {
      if ('done' in message || 'invalidJson' in message || 'notAnObject' in message) {
        resolve('done' in message ? parsed! : message);
        void worker.terminate();
      } else if ('section' in message) {
        ((parsed as { sections: Record<string, string[]> }).sections[message.section]!).push(message.chunk);
      } else {
        parsed = message;
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the snapshot parser stopped (exit code ${code})`)));
  });
}

/** The first violation of `schema` by `value`, as a 400 naming `at` and the field. */
export function refuseInvalid(schema: TSchema, value: unknown, at: string): void {
  if (Value.Check(schema, value)) return;
  const [first] = Value.Errors(schema, value);
  if (!first) return;
  const missing = (first.params as { requiredProperties?: string[] }).requiredProperties?.[0];
  const inner = describePath(first.instancePath) + (missing ? `${first.instancePath ? '.' : ''}${missing}` : '');
  const within = inner.startsWith('[') ? `${at}${inner}` : `${at}.${inner}`;
  const path = at ? (inner ? within : at) : inner || 'file';
  throw invalidParameter(`snapshot ${path}`.trim(), missing ? 'required.' : `${first.message}.`);
}

/**
 * Parses and validates a snapshot file: the header against `header`, every record of each section
 * against its schema. Refuses the first fault, naming the entry (`snapshot LoyaltyTiers[3].Code`).
 */
export async function readSnapshotBytes<T>(
  bytes: Buffer, header: TSchema, sections: Readonly<Record<string, TSchema>>,
): Promise<T> {
  const headerKeys = Object.keys((header as unknown as { properties: Record<string, unknown> }).properties);
  const parsed = await parseInWorker(bytes, headerKeys, Object.keys(sections));
  if ('invalidJson' in parsed) throw invalidParameter('snapshot', `not valid JSON (${parsed.invalidJson}).`);
  if ('notAnObject' in parsed) throw invalidParameter('snapshot', `must be a JSON object, not ${parsed.notAnObject}.`);
  refuseInvalid(header, parsed.header, '');
  const snapshot: Record<string, unknown> = { ...parsed.header };
  for (const [name, schema] of Object.entries(sections)) {
    const chunks = parsed.sections[name];
    if (chunks === undefined) throw invalidParameter(`snapshot ${name}`, 'required.');
    if (!Array.isArray(chunks)) throw invalidParameter(`snapshot ${name}`, 'must be an array.');
    const records: unknown[] = [];
    for (const chunk of chunks) {
      for (const record of JSON.parse(chunk) as unknown[]) {
        refuseInvalid(schema, record, `${name}[${records.length}]`);
        records.push(record);
      }
      await yieldToOthers();
    }
    snapshot[name] = records;
  }
  return snapshot as T;
}
