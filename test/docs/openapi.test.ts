// The OpenAPI document: served, valid OpenAPI 3.1 by a standard validator, in step with the committed
// openapi.json, covering every operation, and true to the server (each documented example is sent and
// the real answer validated against the document).
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/index.ts';
import type { OperationDeclaration } from '../../src/contract/operation.ts';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import { openApiDocument, responseErrors } from '../helpers/openapi.ts';

describe.each(dialects)('the OpenAPI document ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('is served at /openapi.json and passes a standard OpenAPI 3.1 validator', async () => {
    const answer = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['request-id']).toBeTruthy();
    const document = answer.json();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('matches the committed openapi.json (npm run openapi regenerates it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('documents every operation of the registry with its request, success and error responses', () => {
    const names = Object.keys(operations);
    const apiPaths = Object.keys(openApiDocument.paths).filter((path) => path.startsWith('/api/'));
    expect(apiPaths.sort()).toEqual(names.map((n) => `/api/connector/v1/${n}`).sort());
    const controlPaths = Object.entries(openApiDocument.paths).filter(([path]) => path.startsWith('/_connector/'));
    expect(controlPaths.length).toBeGreaterThan(0);
    for (const [, item] of controlPaths) for (const operation of Object.values(item as object)) expect(operation.tags).toEqual(['control']);
    for (const name of names) {
      const post = openApiDocument.paths[`/api/connector/v1/${name}`].post;
      expect(post.requestBody.content['application/json'].schema).toBeTruthy();
      for (const status of ['200', '400', '401', '403', '408', '409', '413', '429', '500']) expect(post.responses[status], `${name} ${status}`).toBeTruthy();
    }
    const schemas = Object.keys(openApiDocument.components.schemas as object);
    for (const published of ['LoyaltyMembership', 'LoyaltyMembershipAddParameters', 'LoyaltyProgram', 'LoyaltyTier', 'Limitation', 'TimeInterval', 'StringUpdateValue', 'BoolUpdateValue', 'Customer', 'Company']) {
      expect(schemas).toContain(published);
    }
  });

  it.each(Object.entries(operations))('answers the documented example of %s as the document says', async (name, declaration) => {
    const example = (declaration as OperationDeclaration).example;
    expect(example, `${name} has a documented example`).toBeTruthy();
    const answer = await t.call(name, example);
    expect([200, 400, 403]).toContain(answer.status);
    expect(responseErrors(name, answer.status, answer.body)).toEqual([]);
    expect(answer.headers['request-id']).toBeTruthy();
  });
});

describe.each(dialects)('the API reference page ($name)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(dialect); });
  afterAll(async () => { await t.close(); });

  it('serves /docs and its assets from the server itself (no CDN)', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source.startsWith('/')).toBe(true);
      const asset = await t.app.inject({ method: 'GET', url: source });
      expect(asset.statusCode, source).toBe(200);
    }
  });
});
