// Reading a snapshot file without stalling the server: a worker thread (snapshot-parser-worker.mjs)
// parses the JSON (tens of megabytes take seconds), keeps only the known sections, and hands them back
// as small JSON chunks; this thread parses and validates one chunk at a time, letting other requests
// run in between.
import { Worker } from 'node:worker_threads';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { Compile, type Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { invalidParameter } from '../loyalty/errors.ts';
import { firstViolation } from '../contract/schema-errors.ts';

/** Records per chunk handed from the worker: small enough to parse and check in a millisecond or two. */
const chunkRecords = 1000;

type Parsed =
  | { invalidJson: string }
  | { notAnObject: string }
  | { header: Record<string, unknown>; sections: Record<string, [] | { notAnArray: string } | undefined> };

type Chunk = { section: string; chunk: string } | { done: true };

interface ParsingWorker {
  readonly parsed: Promise<Parsed>;
  /** The next chunk of records, in section order. */
  next(): Promise<Chunk>;
  stop(): void;
}

function parseInWorker(bytes: Buffer, headerKeys: readonly string[], sectionKeys: readonly string[]): ParsingWorker {
  const worker = new Worker(new URL('./snapshot-parser-worker.mjs', import.meta.url), {
    workerData: { bytes, headerKeys, sectionKeys, chunkRecords },
  });
  let waiting: { resolve: (message: Parsed & Chunk) => void; reject: (error: Error) => void } | undefined;
  const failed = (error: Error) => waiting?.reject(error);
  worker.on('message', (message) => waiting?.resolve(message));
  worker.once('error', failed);
  worker.once('exit', (code) => failed(new Error(`the snapshot parser stopped (exit code ${code})`)));
  const receive = () => new Promise<Parsed & Chunk>((resolve, reject) => { waiting = { resolve, reject }; });
  return {
    parsed: receive(),
    next: () => {
      const answer = receive();
      worker.postMessage('next');
      return answer;
    },
    stop: () => void worker.terminate(),
  };
}

/** The first violation of `schema` by `value`, as a 400 naming `at` and the field. */
const validators = new WeakMap<TSchema, Validator>();

/** Compiled once per schema: checking 100,000 records interpretively takes seconds. */
function validatorOf(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema) as unknown as Validator;
    validators.set(schema, validator);
  }
  return validator;
}

export function refuseInvalid(schema: TSchema, value: unknown, at: string): void {
  if (validatorOf(schema).Check(value)) return;
  const violation = firstViolation(schema, value);
  if (!violation) return;
  const inner = violation.path;
  const within = inner.startsWith('[') ? `${at}${inner}` : `${at}.${inner}`;
  const path = at ? (inner ? within : at) : inner || 'file';
  throw invalidParameter(`snapshot ${path}`.trim(), violation.missing ? 'required.' : `${violation.message}.`);
}

/**
 * Parses and validates a snapshot file: the header against `header`, every record of each section
 * against its schema. Refuses the first fault, naming the entry (`snapshot LoyaltyTiers[3].Code`).
 */
export async function readSnapshotBytes<T>(
  bytes: Buffer, header: TSchema, sections: Readonly<Record<string, TSchema>>,
): Promise<T> {
  const headerKeys = Object.keys((header as unknown as { properties: Record<string, unknown> }).properties);
  const worker = parseInWorker(bytes, headerKeys, Object.keys(sections));
  try {
    const parsed = await worker.parsed;
    if ('invalidJson' in parsed) throw invalidParameter('snapshot', `not valid JSON (${parsed.invalidJson}).`);
    if ('notAnObject' in parsed) throw invalidParameter('snapshot', `must be a JSON object, not ${parsed.notAnObject}.`);
    refuseInvalid(header, parsed.header, '');
    const snapshot: Record<string, unknown> = { ...parsed.header };
    for (const name of Object.keys(sections)) {
      const section = parsed.sections[name];
      if (section === undefined) throw invalidParameter(`snapshot ${name}`, 'required.');
      if (!Array.isArray(section)) throw invalidParameter(`snapshot ${name}`, 'must be an array.');
      snapshot[name] = [];
    }
    for (let message = await worker.next(); !('done' in message); message = await worker.next()) {
      const records = snapshot[message.section] as unknown[];
      for (const record of JSON.parse(message.chunk) as unknown[]) {
        refuseInvalid(sections[message.section]!, record, `${message.section}[${records.length}]`);
        records.push(record);
      }
      await yieldToOthers();
    }
    return snapshot as T;
  } finally {
    worker.stop();
  }
}
