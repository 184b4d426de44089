// Checks real answers against the generated OpenAPI document: a field the server forgets or
// mistypes fails the test that made the call.
import { Ajv } from 'ajv';
import { buildOpenApiDocument, packageVersion } from '../../src/http/openapi.ts';

type Document = ReturnType<typeof buildOpenApiDocument> & { paths: Record<string, any>; components: Record<string, unknown> };

export const openApiDocument = buildOpenApiDocument(packageVersion) as Document;

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const validators = new Map<string, ReturnType<Ajv['compile']>>();

/** The schema errors of a response body for `resource/action` and a status, or [] when it conforms. */
export function responseErrors(operation: string, status: number, body: unknown): string[] {
  const key = `${operation} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const response = openApiDocument.paths[`/api/connector/v1/${operation}`]?.post.responses[String(status)];
    if (!response) return [`the document has no ${status} response for ${operation}`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return body === undefined || body === '' ? [] : [`the document says ${operation} ${status} has no body`];
    validate = ajv.compile({ ...schema, components: openApiDocument.components });
    validators.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** The schema errors of a received webhook body against the document's `webhooks` entry, or []. */
export function webhookErrors(name: string, body: unknown): string[] {
  const key = `webhook ${name}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = (openApiDocument as unknown as { webhooks: Record<string, any> }).webhooks[name]?.post.requestBody.content['application/json'].schema;
    if (!schema) return [`the document has no webhook ${name}`];
    validate = ajv.compile({ ...schema, components: openApiDocument.components });
    validators.set(key, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
