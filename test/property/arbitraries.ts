// fast-check arbitraries for fuzzing request bodies: hostile JSON values, bodies shaped by an
// operation's request schema (so many of them get past validation and reach the handlers), one-field
// mutations of a documented example, and raw bodies that are not JSON at all.
import fc from 'fast-check';

/** Identifiers a fuzzed body may name: real records of the caller's chain, other chains, nothing. */
export interface FuzzIds {
  readonly own: readonly string[];
  readonly foreign: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Numbers JSON.stringify cannot write (-0, 1e400, 2**53+1 exactly, 1.0): a marker string in the
// value, replaced by the raw text after serialization.

const rawPrefix = '@@raw:';
const rawNumber = (text: string) => `${rawPrefix}${text}@@`;
const rawPattern = /"@@raw:([^"@]*)@@"/g;

/** JSON text of a fuzzed value, with raw-number markers replaced by their text. */
export function serialize(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(rawPattern, '$1');
}

export const rawNumbers = fc.constantFrom(
  '-0', '-0.0', '0e0', '1.0', '1E2', '1e400', '-1e400', '1e308', '-1e308', '5e-324', '2e-400', '9007199254740993',
  '123456789012345678901234567890', '1000.0000000000001', '0.1e1', '2147483648', '-2147483649', '1e-7',
).map(rawNumber);

export const edgeNumbers = fc.constantFrom(
  0, 1, -1, 0.5, 1.5, -1.5, 1000, 1001, 999, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 + 1, -(2 ** 53) - 1,
  Number.MAX_SAFE_INTEGER, 1e308, -1e308, Number.MIN_VALUE, Number.EPSILON,
);

// ---------------------------------------------------------------------------------------------
// Strings.

/** A long string built by repetition (fast to generate), up to ~100 KB. */
export const hugeString = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 256, max: 100_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Strings at the documented length limits and one past them. */
export const boundaryString = fc
  .tuple(fc.constantFrom(0, 1, 49, 50, 51, 99, 100, 101, 254, 255, 256), fc.constantFrom('x', 'é', '😀', '\u0000', '\ud800', ' '))
  .map(([length, unit]) => unit.repeat(length));

const oddStrings = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'a\ud83d', '\ufeff', '\u202e', '\u200b', '\r\n', '\\', '"', "'", '%s%n%x',
  '${jndi:ldap://x}', '<script>alert(1)</script>', "'; drop table loyalty_programs; --", '" or 1=1 --', '*', '%', '_',
  'null', 'true', 'NaN', 'Infinity', '-0', '1e308', '__proto__', 'constructor', 'Active', 'Deleted', 'Enrolled',
  'Hotel', 'Free', 'Paid', 'Gross', 'return=minimal',
);

export const dateStrings = fc.oneof(
  fc.constantFrom(
    '2024-02-30', '2023-02-29', '2024-02-29', '2024-13-01T00:00:00Z', '2024-00-10', '0000-01-01T00:00:00Z', '0001-01-01',
    '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-23:59', '275760-09-13T00:00:00Z', '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-01-01T00:00:60Z',
    '2024-01-01T00:00:00+99:99', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00.1234567890Z', '2024-01-01T00:00:00.Z',
    '2024-01-01 00:00:00', '2024-01-01t00:00:00z', '20240101T000000Z', '2024-W01-1', '2024-001', 'now', 'today', '',
    '1970-01-01T00:00:00Z', '2038-01-19T03:14:08Z', '2022-10-05T00:00:00Z', '2022-10-10T00:00:00Z',
  ),
  fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') }).map((d) => d.toISOString().slice(0, 19) + 'Z'),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?$/),
);

export function idStrings(ids: FuzzIds) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids.own) },
    { weight: 2, arbitrary: fc.constantFrom(...ids.foreign) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...ids.own).map((id) => id.toUpperCase()) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'not-a-uuid', '',
        '8ddea57b6a5c4eec8c4c24467dce118e', '{8ddea57b-6a5c-4eec-8c4c-24467dce118e}', ' 8ddea57b-6a5c-4eec-8c4c-24467dce118e',
        '8ddea57b-6a5c-4eec-8c4c-24467dce118e\u0000', '8ddea57b-6a5c-4eec-8c4c-24467dce118z',
      ),
    },
  );
}

export function stringValues(ids: FuzzIds) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: oddStrings },
    { weight: 1, arbitrary: boundaryString },
    { weight: 1, arbitrary: hugeString },
    { weight: 2, arbitrary: dateStrings },
    { weight: 2, arbitrary: idStrings(ids) },
  );
}

// ---------------------------------------------------------------------------------------------
// Any JSON value, hostile.

const keyNames = fc.constantFrom(
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'Value', 'Count', 'Cursor', 'StartUtc', 'EndUtc',
  'ClientToken', 'AccessToken', 'Client', 'ChainId', 'ChainIds', 'Limitation', 'Id', '', ' ', '\u0000', 'a.b', '$ref',
);

export function fuzzValue(ids: FuzzIds, maxDepth = 3): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 2, arbitrary: edgeNumbers },
    { weight: 2, arbitrary: rawNumbers },
    { weight: 5, arbitrary: stringValues(ids) },
  );
  const tree = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.oneof(keyNames, fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  }));
  return fc.oneof(
    { weight: 10, arbitrary: tree.value },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: bigArray(leaf) },
  );
}

/** `[[[[…]]]]` or `{"a":{"a":…}}`, hundreds to thousands deep. */
export const deepNesting = fc
  .tuple(fc.integer({ min: 100, max: 3000 }), fc.boolean(), fc.constantFrom<unknown>(null, 1, 'x', {}, [], '\u0000', '\ud800', { '\udfff': 1 }))
  .map(([depth, asArray, core]) => {
    let value: unknown = core;
    for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
    return value;
  });

/** 999 to 1001 copies of one small value: around the 1000-item limit. */
export function bigArray<T>(item: fc.Arbitrary<T>) {
  const small = item.filter((value) => serialize(value).length <= 2000);
  return fc.tuple(small, fc.constantFrom(999, 1000, 1001, 1500)).map(([value, length]) => Array.from({ length }, () => value));
}

// ---------------------------------------------------------------------------------------------
// Bodies shaped by a JSON schema. Chaotic: mostly what the schema asks for, at its edges and one past
// them, sometimes anything. Calm: only what the schema allows (so the body reaches the handler), with
// hostile content inside the allowed shapes (NUL, lone surrogates, emoji, lengths at the limit,
// duplicated and foreign identifiers, 1000-item arrays).

type Schema = Record<string, any>;

export function fromSchema(schema: Schema, ids: FuzzIds, calm: boolean, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedBySchema(schema, ids, calm, depth);
  return calm ? shaped : fc.oneof({ weight: 8, arbitrary: shaped }, { weight: 1, arbitrary: fuzzValue(ids, 2) });
}

/** Valid ISO 8601 instants in the formats the contract accepts. */
const validInstant = fc
  .tuple(
    fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2040-01-01') }),
    fc.constantFrom('Z', 'date', '+02:00', '-0530', 'fraction', 'none'),
  )
  .map(([date, form]) => ({ ms: date.getTime(), text: formatInstant(date, form) }));

function formatInstant(date: Date, form: string): string {
  const iso = date.toISOString();
  switch (form) {
    case 'date': return iso.slice(0, 10);
    case 'fraction': return iso;
    case 'none': return iso.slice(0, 19);
    case '+02:00': return `${new Date(date.getTime() + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
    case '-0530': return `${new Date(date.getTime() - 5.5 * 3_600_000).toISOString().slice(0, 19)}-0530`;
    default: return `${iso.slice(0, 19)}Z`;
  }
}

/** A TimeInterval within the three-month limit (equal ends included). */
const validInterval = fc
  .tuple(fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2040-01-01') }), fc.integer({ min: 0, max: 89 * 86_400 }), fc.boolean())
  .map(([start, seconds, equal]) => {
    const startText = `${start.toISOString().slice(0, 19)}Z`;
    return { StartUtc: startText, EndUtc: equal ? startText : `${new Date(start.getTime() + seconds * 1000).toISOString().slice(0, 19)}Z` };
  });

/** Strings within [min, max] code points, some with hostile characters. */
function calmString(minLength: number, maxLength: number) {
  const hostile = fc.constantFrom('\u0000', '\ud800', '\udfff', '😀', 'é', '\u202e', '\ufeff', "'", '"', '\\', '%', '_', ' ');
  const limit = Math.min(maxLength, 30);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength, maxLength: limit }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength, maxLength: limit }) },
    { weight: 2, arbitrary: fc.tuple(fc.string({ unit: 'grapheme-ascii', minLength: Math.max(0, minLength - 1), maxLength: Math.max(0, limit - 1) }), hostile, fc.nat()).map(([text, odd, at]) => {
      const i = text.length ? at % (text.length + 1) : 0;
      return text.slice(0, i) + odd + text.slice(i);
    }) },
    { weight: 1, arbitrary: fc.constantFrom('x', '😀', '\u0000').map((unit) => unit.repeat(Math.max(minLength, maxLength === Infinity ? 300 : maxLength))) },
  ).filter((text) => [...text].length >= minLength && [...text].length <= maxLength);
}

function shapedBySchema(schema: Schema, ids: FuzzIds, calm: boolean, depth: number): fc.Arbitrary<unknown> {
  if (schema.title === 'TimeInterval' && calm) return validInterval;
  if (Array.isArray(schema.anyOf)) {
    return fc.oneof(...(schema.anyOf as Schema[]).map((branch) => shapedBySchema(branch, ids, calm, depth)));
  }
  if (Array.isArray(schema.enum)) {
    const valid = fc.constantFrom(...(schema.enum as unknown[]));
    return calm ? valid : fc.oneof(
      { weight: 6, arbitrary: valid },
      { weight: 1, arbitrary: fc.constantFrom('active', 'ACTIVE', '', 'Unknown ', 'Hotel,Free') },
    );
  }
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const options: fc.Arbitrary<unknown>[] = [];
  for (const type of types) {
    switch (type) {
      case 'null':
        options.push(fc.constant(null));
        break;
      case 'boolean':
        options.push(fc.boolean());
        break;
      case 'integer':
      case 'number': {
        const min = typeof schema.minimum === 'number' ? schema.minimum : -(2 ** 31);
        const max = typeof schema.maximum === 'number' ? schema.maximum : 2 ** 31 - 1;
        options.push(calm
          ? fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max, rawNumber(`${min}.0`), rawNumber(`${max}e0`)) })
          : fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min, max }) },
            { weight: 2, arbitrary: fc.constantFrom(min, max, min - 1, max + 1) },
            { weight: 1, arbitrary: edgeNumbers },
            { weight: 1, arbitrary: rawNumbers },
            { weight: 1, arbitrary: fc.double() },
          ));
        break;
      }
      case 'string': {
        if (schema.format === 'uuid') {
          options.push(calm
            ? fc.oneof(fc.constantFrom(...ids.own), fc.constantFrom(...ids.foreign), fc.uuid(), fc.constantFrom(...ids.own).map((id) => id.toUpperCase()))
            : idStrings(ids));
          break;
        }
        const isTime = /UTC|date/i.test(String(schema.description ?? ''));
        const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
        const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
        if (calm) {
          options.push(isTime ? validInstant.map((i) => i.text) : calmString(minLength, maxLength));
          break;
        }
        const shown = Number.isFinite(maxLength) ? maxLength : 40;
        options.push(fc.oneof(
          { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(shown, 40) }) },
          { weight: isTime ? 8 : 1, arbitrary: dateStrings },
          { weight: 2, arbitrary: stringValues(ids) },
          { weight: 1, arbitrary: fc.constantFrom(shown, shown + 1).map((n) => 'm'.repeat(n)) },
        ));
        break;
      }
      case 'array': {
        const item = schema.items ? fromSchema(schema.items as Schema, ids, calm, depth + 1) : wildLeaf(ids);
        const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
        const maxLength = typeof schema.maxItems === 'number' ? schema.maxItems : 1000;
        options.push(fc.oneof(
          { weight: 6, arbitrary: fc.array(item, { minLength, maxLength: Math.min(maxLength, 4) }) },
          // Duplicates: the same item several times (duplicated ids in a batch or a filter).
          { weight: 2, arbitrary: fc.tuple(item, fc.integer({ min: 2, max: Math.max(2, Math.min(maxLength, 4)) })).map(([v, n]) => Array.from({ length: Math.min(n, maxLength) }, () => v)) },
          {
            weight: 1,
            arbitrary: calm
              ? fc.tuple(item.filter((v) => serialize(v).length <= 2000), fc.constantFrom(Math.min(maxLength, 999), maxLength)).map(([v, n]) => Array.from({ length: n }, () => v))
              : bigArray(depth < 1 ? item : fc.constant(null)),
          },
        ));
        break;
      }
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        const required = new Set<string>(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, property] of Object.entries(properties)) record[key] = fromSchema(property, ids, calm, depth + 1);
        const optionalKeys = Object.keys(properties).filter((k) => !required.has(k));
        options.push(
          fc.tuple(
            fc.record(record),
            fc.subarray(optionalKeys),
            fc.option(fc.dictionary(fc.string({ maxLength: 6 }), wildLeaf(ids), { maxKeys: 2, noNullPrototype: true }), { freq: 4 }),
            calm ? fc.constant(null) : fc.option(fc.constantFrom(...(required.size ? [...required] : ['none'])), { freq: 6 }),
          ).map(([value, keptOptional, extra, dropped]) => {
            // Keep the required keys and a random subset of the optional ones; sometimes drop one required key.
            const body: Record<string, unknown> = {};
            for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
              if ((required.has(key) && key !== dropped) || keptOptional.includes(key)) body[key] = v;
            }
            return extra ? { ...extra, ...body } : body;
          }),
        );
        break;
      }
      default:
        break;
    }
  }
  return options.length ? fc.oneof(...options) : wildLeaf(ids);
}

const wildLeaf = (ids: FuzzIds) => fc.oneof(fc.constant(null), fc.boolean(), edgeNumbers, stringValues(ids));

// ---------------------------------------------------------------------------------------------
// One-field mutations of an example body.

type Path = readonly (string | number)[];

/** Every path below the root (objects' keys and arrays' indexes). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as any)?.[key], value);
}

function withAt(value: unknown, path: Path, change: (current: unknown, parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as any;
  change(parent[path.at(-1)!], parent, path.at(-1)!);
  return copy;
}

/** A value of another JSON type than `current`. */
function retyped(current: unknown): fc.Arbitrary<unknown> {
  const others: unknown[] = [null, true, false, 0, 1, -1, 1.5, '', 'text', [], {}, [current], { Value: current }];
  if (typeof current === 'string') others.push(Number(current) || 42, current.length, [current]);
  if (typeof current === 'number') others.push(String(current), `${current}.0`, current > 0);
  if (typeof current === 'boolean') others.push(String(current), current ? 1 : 0, current ? 'True' : 'false');
  if (Array.isArray(current)) others.push(current[0] ?? null, JSON.stringify(current), Object.assign({}, current));
  if (current && typeof current === 'object' && !Array.isArray(current)) others.push([current], JSON.stringify(current), Object.values(current));
  return fc.constantFrom(...others.filter((o) => typeof o !== typeof current || Array.isArray(o) !== Array.isArray(current) || o === null));
}

export type Mutation =
  | { kind: 'drop' | 'null' | 'duplicate' | 'bloat'; path: Path }
  | { kind: 'replace' | 'retype'; path: Path; value: unknown };

export function mutationOf(example: unknown, ids: FuzzIds, protectedKeys: readonly string[]): fc.Arbitrary<{ body: unknown; mutation: Mutation }> {
  const paths = pathsOf(example).filter((p) => !protectedKeys.includes(String(p[0])) || p.length > 1);
  return fc.constantFrom(...paths).chain((path) => {
    const current = getAt(example, path);
    const kinds: fc.Arbitrary<Mutation>[] = [
      fc.constant({ kind: 'drop' as const, path }),
      fc.constant({ kind: 'null' as const, path }),
      fuzzValue(ids, 2).map((value) => ({ kind: 'replace' as const, path, value })),
      retyped(current).map((value) => ({ kind: 'retype' as const, path, value })),
    ];
    if (typeof current === 'string') kinds.push(stringValues(ids).map((value) => ({ kind: 'replace' as const, path, value })));
    if (typeof current === 'number') kinds.push(fc.oneof(edgeNumbers, rawNumbers).map((value) => ({ kind: 'replace' as const, path, value })));
    if (Array.isArray(current)) kinds.push(fc.constantFrom({ kind: 'duplicate' as const, path }, { kind: 'bloat' as const, path }));
    return fc.oneof(...kinds).map((mutation) => ({ body: applyMutation(example, mutation), mutation }));
  });
}

export function applyMutation(example: unknown, mutation: Mutation): unknown {
  return withAt(example, mutation.path, (current, parent, key) => {
    switch (mutation.kind) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'null':
        parent[key] = null;
        break;
      case 'replace':
      case 'retype':
        parent[key] = mutation.value;
        break;
      case 'duplicate':
        parent[key] = [...(current as unknown[]), ...(current as unknown[])];
        break;
      case 'bloat':
        parent[key] = Array.from({ length: 1001 }, (_, i) => (current as unknown[])[i % Math.max(1, (current as unknown[]).length)] ?? null);
        break;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Raw bodies: not JSON, broken JSON, bytes.

export function rawBodies(validBodies: readonly string[]): fc.Arbitrary<{ label: string; payload: string | Buffer }> {
  const valid = fc.constantFrom(...validBodies);
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }).map((payload) => ({ label: 'random string', payload })),
    fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((payload) => ({ label: 'random ascii', payload })),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ label: 'random bytes', payload: Buffer.from(bytes) })),
    valid.chain((body) => fc.integer({ min: 0, max: body.length - 1 }).map((cut) => ({ label: `truncated at ${cut}`, payload: body.slice(0, cut) }))),
    // Valid JSON, then one byte flipped / inserted / removed.
    valid.chain((body) => fc.tuple(fc.integer({ min: 0, max: body.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'remove'))
      .map(([at, byte, how]) => {
        const bytes = Buffer.from(body);
        const i = Math.min(at, bytes.length - 1);
        const payload = how === 'flip'
          ? Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)])
          : how === 'insert'
            ? Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)])
            : Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
        return { label: `${how} byte ${byte} at ${i}`, payload };
      })),
    // Valid JSON with invalid UTF-8 inside a string, a BOM, a NUL, duplicated keys, trailing garbage.
    valid.chain((body) => fc.constantFrom(
      { label: 'invalid UTF-8 in a string', payload: Buffer.concat([Buffer.from(body.slice(0, -1) + ',"X":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]) },
      { label: 'UTF-8 BOM', payload: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]) },
      { label: 'UTF-16 body', payload: Buffer.from(body, 'utf16le') },
      { label: 'trailing NUL', payload: Buffer.concat([Buffer.from(body), Buffer.from([0])]) },
      { label: 'duplicated keys', payload: `${body.slice(0, -1)},${body.slice(1)}` },
      { label: 'trailing garbage', payload: `${body}garbage` },
      { label: 'two documents', payload: `${body}${body}` },
      { label: 'wrapped in an array', payload: `[${body}]` },
      { label: 'escaped lone surrogates everywhere', payload: body.replace(/"([A-Za-z]+)":/g, '"$1\\ud800":') },
      { label: 'deep array', payload: '['.repeat(100_000) + ']'.repeat(100_000) },
      { label: 'deep object', payload: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000) },
      { label: 'unclosed deep array', payload: '['.repeat(100_000) },
      { label: 'deep array, NUL at the bottom', payload: `${body.slice(0, -1)},"Deep":${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}}` },
      { label: 'deep object, lone surrogate key at the bottom', payload: `${body.slice(0, -1)},"Deep":${'{"a":'.repeat(50_000)}{"\\ud800":1}${'}'.repeat(50_000)}}` },
      { label: 'huge number', payload: `{"Limitation":{"Count":${'9'.repeat(5000)}}}` },
      { label: 'huge string value', payload: `${body.slice(0, -1)},"Junk":"${'x'.repeat(200_000)}"}` },
    )),
  );
}
