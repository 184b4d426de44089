// GET /: where a person who opens the server's address should go next (the API, /docs, /console).
// A browser gets a small page; anything else gets the same as JSON.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

export const Home = Type.Object(
  {
    Name: Type.String(),
    Version: Type.String(),
    Api: Type.String({ description: 'Every operation is POST {Api}{resource}/{action} with a JSON body.' }),
    Docs: Type.String(),
    OpenApi: Type.String(),
    Console: Type.Union([Type.String(), Type.Null()], { description: 'null when the control plane is off.' }),
    Health: Type.String(),
  },
  { title: 'Home' },
);

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function registerHome(app: FastifyInstance, options: { version: string; console: boolean }): void {
  const links = {
    Name: 'Loyalty Connector',
    Version: options.version,
    Api: '/api/connector/v1/',
    Docs: '/docs',
    OpenApi: '/openapi.json',
    Console: options.console ? '/console' : null,
    Health: '/health/ready',
  };
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Loyalty Connector</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style></head>
<body>
<h1>Loyalty Connector ${escape(options.version)}</h1>
<p>The customer-loyalty surface of the hotel Connector API. Every operation is
<code>POST ${links.Api}{resource}/{action}</code> with a JSON body.</p>
<ul>
<li><a href="/docs">API reference</a> (try every operation against the demo tenancy)</li>
<li><a href="/openapi.json">OpenAPI document</a></li>
${links.Console ? '<li><a href="/console">Console</a>: browse, reset, snapshots, fault rules, the request journal</li>' : '<li>Console: off (set CONTROL_API=on)</li>'}
<li><a href="/health/ready">Health</a></li>
</ul>
</body>
</html>
`;
  app.get('/', { schema: { response: { 200: Home } } }, async (request, reply) => {
    // Browsers put text/html first; curl sends */* and gets JSON.
    const accept = request.headers.accept ?? '';
    const html = accept.includes('text/html') && !accept.split('text/html')[0]!.includes('application/json');
    if (html) return reply.type('text/html; charset=utf-8').send(page);
    return links;
  });
}
