// The console's writes and its account lists: the API's own operations (programs, tiers and memberships
// add, update, delete; companies getAll) run for one chain, as a caller whose scope is that chain, so
// the console writes and refuses exactly what the API would, with the API's error body. Registered
// beside the control plane, behind the same guard; the console's shared views file is served here too.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TObject } from 'typebox';
import { operations } from '../contract/index.ts';
import type { OperationContext } from '../loyalty/context.ts';
import { invalidParameter } from '../loyalty/errors.ts';
import { handlers } from '../loyalty/index.ts';
import type { Store } from '../store/connect.ts';
import type { Principal } from '../tenancy/principal.ts';
import { consoleGuard } from './admin-guard.ts';
import type { ControlEndpoint } from './contract.ts';
import { registerEndpoints } from './endpoints.ts';
import { allChainIds } from './snapshots.ts';

const writes = [
  'loyaltyPrograms/add', 'loyaltyPrograms/update', 'loyaltyPrograms/delete',
  'loyaltyTiers/add', 'loyaltyTiers/update', 'loyaltyTiers/delete',
  'loyaltyMemberships/add', 'loyaltyMemberships/update', 'loyaltyMemberships/delete',
] as const;
type Write = (typeof writes)[number];

const ChainParams = Type.Object({ ChainId: Type.String({ format: 'uuid' }) });

/** The operation's own request without the credentials: the chain in the path stands for them. */
const withoutCredentials = (name: Write) => {
  const request: TObject = operations[name].request;
  const title = (request as { title?: string }).title ?? name.replace('/', '');
  return Type.Omit(request, ['ClientToken', 'AccessToken', 'Client'], { title: `Console${title}` });
};

export const consoleOperationEndpoints: Record<string, ControlEndpoint> = {
  ...Object.fromEntries(writes.map((name) => [name, {
    method: 'POST',
    path: `/chains/:ChainId/${name}`,
    summary: `${operations[name].summary} in a chain (the API's ${name}, for the console)`,
    params: ChainParams,
    body: withoutCredentials(name),
    response: operations[name].response,
  } satisfies ControlEndpoint])),
  companies: {
    method: 'GET',
    path: '/chains/:ChainId/companies',
    summary: "Browse a chain's companies",
    params: ChainParams,
    querystring: Type.Object({
      Count: Type.Optional(Type.String({ pattern: '^\\d{1,4}$', description: 'Page size, 1 to 1000 (default 50).' })),
      Cursor: Type.Optional(Type.String({ format: 'uuid' })),
    }),
    response: Type.Object({ Items: Type.Array(Type.Unknown()), Cursor: Type.Union([Type.String(), Type.Null()]) }, { title: 'ControlCompanyPage' }),
  },
};

const credentials = { ClientToken: '', AccessToken: '', Client: 'console' };

const consoleOf = (chainId: string): Principal => ({
  accessTokenHash: 'console', clientName: 'console', isPortfolio: false,
  enterprises: [{ id: chainId, chainId }], chainIds: [chainId], portfolioEnterpriseId: null,
});

type AnyHandler = (context: OperationContext, request: unknown) => Promise<unknown>;

export async function registerConsoleOperations(
  app: FastifyInstance,
  { store, guard, adminToken }: { store: Store; guard: (request: FastifyRequest) => Promise<void>; adminToken: string | undefined },
): Promise<void> {
  async function knownChain(request: FastifyRequest): Promise<string> {
    const id = (request.params as { ChainId: string }).ChainId.toLowerCase();
    if (!(await allChainIds(store.db)).includes(id)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
    return id;
  }

  const write = (name: Write) => async (request: FastifyRequest) => {
    const chainId = await knownChain(request);
    // One transaction with the chain locked, as the API's write stage runs it: all or nothing.
    return store.db.transaction().execute(async (trx) => {
      await store.lockChains(trx, [chainId]);
      return (handlers[name] as AnyHandler)({ db: trx, principal: consoleOf(chainId), now: new Date() }, { ...(request.body as object), ...credentials });
    });
  };

  await app.register(async (scope) => {
    scope.addHook('onRequest', guard);
    registerEndpoints(scope, consoleOperationEndpoints, {
      ...Object.fromEntries(writes.map((name) => [name, write(name)])),
      companies: async (request) => {
        const chainId = await knownChain(request);
        const query = request.query as { Count?: string; Cursor?: string };
        const page = await handlers['companies/getAll']({ db: store.db, principal: consoleOf(chainId), now: new Date() }, {
          ...credentials, ActivityStates: ['Active'],
          Limitation: { Count: Math.min(1000, Math.max(1, Number(query.Count ?? 50))), Cursor: query.Cursor ?? null },
        });
        return { Items: page.Companies, Cursor: page.Cursor };
      },
    });
  });

  // The views both console pages share (header, chain picker, tables, the front desk): static, no data.
  const views = await readFile(new URL('./console/views.js', import.meta.url), 'utf8');
  app.get('/console/views.js', { onRequest: consoleGuard(adminToken) }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(views));
}
