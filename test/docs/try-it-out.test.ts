// The API reference's "Try it out", as a person would click through it: every operation of the
// OpenAPI document, in document order, sent with its pre-filled example (the first example, the
// parameters' examples, no Prefer) to a fresh server with the built-in demo tenancy: each answers 2xx.
// The error examples are the server's real answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorExamples } from '../../src/contract/examples.ts';
import { operations } from '../../src/contract/index.ts';
import { startServer, type RunningServer } from '../../src/index.ts';
import { concurrencyConflict, internalError, payloadTooLarge, requestTimeout, tooManyRequests } from '../../src/loyalty/errors.ts';
import { dialects } from '../helpers/app.ts';
import { responseErrors } from '../helpers/openapi.ts';

interface Parameter { name: string; in: string; required?: boolean; example?: unknown; schema?: { example?: unknown; default?: unknown } }
interface Operation { parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> } }

/** What Swagger UI pre-fills: the first example of the body, and parameters that have an example or default. */
function prefilled(operation: Operation): { body?: unknown; path: Record<string, string>; headers: Record<string, string>; missing: string[] } {
  const path: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const missing: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    const value = parameter.example ?? parameter.schema?.example ?? parameter.schema?.default;
    if (value === undefined) {
      if (parameter.required) missing.push(`parameter ${parameter.name}`);
      continue;
    }
    if (parameter.in === 'path') path[parameter.name] = String(value);
    if (parameter.in === 'header') headers[parameter.name] = String(value);
  }
  const content = operation.requestBody?.content['application/json'];
  const body = content?.examples ? Object.values(content.examples)[0]?.value : content?.example;
  if (operation.requestBody?.required && body === undefined) missing.push('request body');
  return { ...(body === undefined ? {} : { body }), path, headers, missing };
}

describe.each(dialects)('"Try it out" on a fresh demo server ($name)', (dialect) => {
  let server: RunningServer;
  let document: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    server = await startServer({ databaseUrl: await dialect.databaseUrl(), logLevel: 'silent' });
    document = await (await fetch(`${server.url}/openapi.json`)).json() as typeof document;
  });
  afterAll(async () => { await server.stop(); });

  it('answers every operation with 2xx as pre-filled, in document order', async () => {
    const answered: string[] = [];
    const skipped: string[] = [];
    const failures: string[] = [];
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const { body, path, headers, missing } = prefilled(operation);
        const label = `${method.toUpperCase()} ${template}`;
        if (missing.length) {
          skipped.push(`${label} (no example for ${missing.join(', ')})`);
          continue;
        }
        expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('prefer');
        const url = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(path[name]!));
        const response = await fetch(`${server.url}${url}`, {
          method: method.toUpperCase(),
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        answered.push(label);
        if (response.status < 200 || response.status > 299) failures.push(`${label} answered ${response.status}: ${text.slice(0, 300)}`);
        const operationName = template.replace('/api/connector/v1/', '');
        if (template.startsWith('/api/') && response.status === 200) {
          expect(responseErrors(operationName, response.status, JSON.parse(text)), label).toEqual([]);
        }
      }
    }
    expect(failures).toEqual([]);
    for (const name of Object.keys(operations)) expect(answered).toContain(`POST /api/connector/v1/${name}`);
    expect(answered).toContain('GET /health/live');
    expect(answered).toContain('GET /health/ready');
    // What cannot be pre-filled: an id the server makes up (a fault rule's) or a whole file.
    for (const label of skipped) expect(label).toMatch(/^(DELETE|POST|GET) \/_connector\//);
  });

  it('gives the demo example the first place, the published one beside it', () => {
    const add = document.paths['/api/connector/v1/loyaltyPrograms/add']!.post!.requestBody!.content['application/json']!;
    expect(Object.keys(add.examples!)).toEqual(['demo', 'published']);
    expect((add.examples!.published!.value as { LoyaltyPrograms: { Code: string }[] }).LoyaltyPrograms[0]!.Code).toBe('PC01');
  });

  it('goes back to the demo records on reset(), so the examples work again', async () => {
    await server.reset();
    const body = document.paths['/api/connector/v1/loyaltyPrograms/delete']!.post!.requestBody!.content['application/json']!.examples!.demo!.value;
    const response = await fetch(`${server.url}/api/connector/v1/loyaltyPrograms/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  });
});

describe('the error examples of the document', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startServer({ logLevel: 'silent', rateLimit: '3/30s' }); });
  afterAll(async () => { await server.stop(); });

  const send = async (operation: string, body: unknown) => {
    const response = await fetch(`${server.url}/api/connector/v1/${operation}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() as { Message: string; Details?: string } };
  };
  const tokens = {
    ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
    AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
    Client: 'docs test',
  };

  it('are what the server answers: 400, 401, 403 and 429 provoked, the others from the catalogue', async () => {
    const invalid = await send('loyaltyPrograms/update', { ...tokens, LoyaltyProgramUpdates: [{ LoyaltyProgramId: '00000000-0000-4000-8000-000000000000', Name: { Value: 'x' } }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.Message).toBe(errorExamples[400]!.value.Message);
    expect(invalid.body.Details).toBe(errorExamples[400]!.value.Details);
    const unauthorized = await send('loyaltyPrograms/getAll', { ...tokens, AccessToken: 'not-a-token', Limitation: { Count: 1 } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body.Message).toBe(errorExamples[401]!.value.Message);
    const rule = await send('loyaltyPrograms/add', { ...tokens, LoyaltyPrograms: [{ Name: 'Platinum Club', Code: 'PC01' }] });
    expect(rule.status).toBe(403);
    expect(rule.body.Message).toBe(errorExamples[403]!.value.Message);
    expect(rule.body.Details).toBe(errorExamples[403]!.value.Details);
    let limited = rule;
    for (let i = 0; i < 5 && limited.status !== 429; i++) limited = await send('loyaltyPrograms/getAll', { ...tokens, Limitation: { Count: 1 } });
    expect(limited.status).toBe(429);
    expect(limited.body.Message).toMatch(/^Too many requests: retry after \d+ seconds\.$/);
    expect(errorExamples[429]!.value.Message).toBe(tooManyRequests(30).message);
    expect(errorExamples[408]!.value.Message).toBe(requestTimeout().message);
    expect(errorExamples[409]!.value).toMatchObject({ Message: concurrencyConflict().message, Details: concurrencyConflict().details });
    expect(errorExamples[413]!.value.Message).toBe(payloadTooLarge(5 * 1024 * 1024).message);
    expect(errorExamples[500]!.value.Message).toBe(internalError().message);
  });
});
