// The published examples as golden exchanges (test/golden/loyalty.json), replayed in order against
// the server on each database. Ids are normalised: a published id stands for the id this server gave
// the record in the same place of an answer, and is replaced by it in every later request. Times are
// not normalised but pinned: the app's clock reads each exchange's `at`, so the published filters by
// CreatedUtc and UpdatedUtc find the records. Where this server answers otherwise than the published
// page, the exchange carries the `answer` it gives and its `differences`, written out for review;
// `setup` exchanges make the records a published example assumes (with `why`).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, sqliteReaderThreads, startTestApp, type TestApp } from '../helpers/app.ts';

interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

interface Exchange {
  readonly title: string;
  readonly source: 'published' | 'setup';
  readonly why?: string;
  /** What the server's clock reads during the exchange. */
  readonly at: string;
  readonly operation: string;
  readonly request: Record<string, unknown>;
  /** The published answer, as on the page. */
  readonly published?: Answer;
  /** This server's answer where it differs from the published one (and for setup exchanges). */
  readonly answer?: Answer;
  readonly differences?: readonly string[];
}

const golden = JSON.parse(readFileSync(new URL('./loyalty.json', import.meta.url), 'utf8')) as { exchanges: Exchange[] };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A published id replaced by what it stands for here, everywhere in a request. */
function substitute(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => substitute(item, ids));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, ids)]));
  }
  return value;
}

/**
 * Where an answer differs from the expected one, as `path: expected -> actual`. A published id not
 * seen before matches any id not yet standing for another, and stands for it from then on.
 */
function differences(expected: unknown, actual: unknown, ids: Map<string, string>, path = '$'): string[] {
  if (typeof expected === 'string' && uuid.test(expected)) {
    const known = ids.get(expected);
    if (known !== undefined) return known === actual ? [] : [`${path}: ${expected} (${known}) -> ${JSON.stringify(actual)}`];
    if (typeof actual !== 'string' || !uuid.test(actual) || [...ids.values()].includes(actual)) return [`${path}: an id -> ${JSON.stringify(actual)}`];
    ids.set(expected, actual);
    return [];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path}: ${expected.length} items -> ${JSON.stringify(actual)}`];
    return expected.flatMap((item, index) => differences(item, actual[index], ids, `${path}[${index}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: an object -> ${JSON.stringify(actual)}`];
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) => differences((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], ids, `${path}.${key}`));
  }
  return Object.is(expected, actual) ? [] : [`${path}: ${JSON.stringify(expected)} -> ${JSON.stringify(actual)}`];
}

describe('the golden file', () => {
  it.each(golden.exchanges.map((exchange) => [exchange.title, exchange]))('%s: says why it differs from the page', (_title, exchange) => {
    if (exchange.source === 'setup') {
      expect(exchange.why).toBeTruthy();
      expect(exchange.answer).toBeDefined();
    } else {
      expect(exchange.published).toBeDefined();
      expect(exchange.answer === undefined).toBe((exchange.differences ?? []).length === 0);
    }
  });
});

describe.each([...dialects, sqliteReaderThreads])('published examples replayed ($name)', (dialect) => {
  let t: TestApp;
  let now = new Date();
  const ids = new Map<string, string>();
  beforeAll(async () => { t = await startTestApp(dialect, {}, { clock: () => now }); });
  afterAll(async () => { await t?.close(); });

  it.each(golden.exchanges.map((exchange) => [exchange.title, exchange]))('%s', async (_title, exchange) => {
    now = new Date(exchange.at);
    const answer = await t.call(exchange.operation, substitute(exchange.request, ids));
    const expected = (exchange.answer ?? exchange.published)!;
    expect({ status: answer.status, differences: differences(expected.body, answer.body, ids) }).toEqual({ status: expected.status, differences: [] });
  });
});
