// The console's writes and its account lists: the API's own operations (programs, tiers and memberships
// add, update, delete; companies getAll) run for one chain as its staff, so the console writes and
// refuses exactly what the API would, with the API's error body. Registered in the control plane's
// guarded scope.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TObject } from 'typebox';
import { operations } from '../contract/index.ts';
import { getAllCompanies } from '../loyalty/accounts.ts';
import type { OperationContext } from '../loyalty/context.ts';
import { handlers } from '../loyalty/index.ts';
import { staffOfChain } from '../loyalty/staff.ts';
import type { Store } from '../store/connect.ts';
import { browsePageSize } from './browse.ts';
import type { ControlEndpoint } from './contract.ts';
import { registerEndpoints } from './endpoints.ts';

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

type AnyHandler = (context: OperationContext, request: unknown) => Promise<unknown>;

/** Registers the console's operations in the control plane's guarded scope. */
export function registerConsoleOperations(control: FastifyInstance, { store }: { store: Store }): void {
  const write = (name: Write) => async (request: FastifyRequest) => {
    const { ChainId } = request.params as { ChainId: string };
    // One transaction with the chain locked, as the API's write stage runs it: all or nothing.
    return store.db.transaction().execute(async (trx) => {
      const staff = await staffOfChain(trx, ChainId);
      await store.lockChains(trx, staff.principal.chainIds);
      return (handlers[name] as AnyHandler)(staff, request.body);
    });
  };

  registerEndpoints(control, consoleOperationEndpoints, {
    ...Object.fromEntries(writes.map((name) => [name, write(name)])),
    companies: async (request) => {
      const query = request.query as { Count?: string; Cursor?: string };
      const page = await getAllCompanies(await staffOfChain(store.db, (request.params as { ChainId: string }).ChainId), {
        ActivityStates: ['Active'],
        Limitation: { Count: Math.min(browsePageSize.max, Math.max(1, Number(query.Count ?? browsePageSize.default))), Cursor: query.Cursor ?? null },
      });
      return { Items: page.Companies, Cursor: page.Cursor };
    },
  });
}
