// The control plane under /_connector/ (reset, snapshots, fault rules, the journal, and browsing for
// the console) and the console at /console. Registered only when CONTROL_API is on; protected by
// ADMIN_TOKEN when it is set. Errors and Request-Id are the API's own.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../loyalty/errors.ts';
import { getAllLoyaltyMemberships } from '../loyalty/memberships.ts';
import { getAllLoyaltyPrograms } from '../loyalty/programs.ts';
import { getAllLoyaltyTiers } from '../loyalty/tiers.ts';
import { parseInstant } from '../loyalty/time.ts';
import type { Store } from '../store/connect.ts';
import { listChains } from '../store/snapshots.ts';
import type { Principal } from '../tenancy/principal.ts';
import type { TenancySeed } from '../tenancy/seed.ts';
import { adminGuard, consoleGuard } from './admin-guard.ts';
import { controlEndpoints, controlPrefix, type ControlEndpoint } from './contract.ts';
import type { FaultInjector, FaultRuleInput } from './faults.ts';
import type { Journal } from './journal.ts';
import { allChainIds, loadSnapshot, readSnapshot, resetChains, saveSnapshot } from './snapshots.ts';
import type { Deliverer } from '../events/deliverer.ts';
import { registerFrontDesk } from './front-desk.ts';
import { registerIntegrationControl } from './integrations.ts';
import { registerWebhookControl } from './webhooks.ts';
import { applyDemoLoyaltyRecords } from '../tenancy/demo-loyalty.ts';

export interface ControlPlaneOptions {
  readonly store: Store;
  readonly seeds: readonly TenancySeed[];
  readonly faults: FaultInjector;
  readonly journal: Journal | undefined;
  readonly adminToken: string | undefined;
  readonly deliverer: Deliverer;
  /** The largest snapshot POST /_connector/snapshot reads. */
  readonly snapshotBodyLimitBytes: number;
  /** A reset also puts back the demo loyalty records (built-in demo tenancy, DEMO_DATA on). */
  readonly demoData?: boolean;
}

/** Browsing goes through the API's own handlers, as a caller whose scope is one chain. */
const chainPrincipal = (chainId: string): Principal => ({
  accessTokenHash: 'control-plane', clientName: 'control plane', isPortfolio: false,
  enterprises: [{ id: chainId, chainId }], chainIds: [chainId], portfolioEnterpriseId: null,
});

const credentials = { ClientToken: '', AccessToken: '', Client: 'control plane' };

type Query = Record<string, string | undefined>;

const limitation = (query: Query) => ({ Count: query.Count ? Math.min(1000, Math.max(1, Number(query.Count))) : 50, Cursor: query.Cursor ?? null });

export async function registerControlPlane(app: FastifyInstance, options: ControlPlaneOptions): Promise<void> {
  const { store, seeds, faults, journal, adminToken } = options;

  async function knownChain(chainId: string): Promise<string> {
    const id = chainId.toLowerCase();
    if (!(await allChainIds(store.db)).includes(id)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
    return id;
  }

  const handlers: Record<keyof typeof controlEndpoints, (request: FastifyRequest) => Promise<unknown>> = {
    chains: async () => ({ Chains: (await listChains(store.db)).map((c) => ({ Id: c.id, Name: c.name })) }),
    programs: async (request) => {
      const chainId = await knownChain((request.params as { ChainId: string }).ChainId);
      const query = request.query as Query;
      const page = await getAllLoyaltyPrograms({ db: store.db, principal: chainPrincipal(chainId), now: new Date() }, {
        ...credentials, ActivityStates: query.ActivityState ? [query.ActivityState as 'Active'] : ['Active'], Limitation: limitation(query),
      });
      return { Items: page.LoyaltyPrograms, Cursor: page.Cursor };
    },
    tiers: async (request) => {
      const chainId = await knownChain((request.params as { ChainId: string }).ChainId);
      const query = request.query as Query;
      const programIds = query.LoyaltyProgramId
        ? [query.LoyaltyProgramId]
        : (await getAllLoyaltyPrograms({ db: store.db, principal: chainPrincipal(chainId), now: new Date() }, {
          ...credentials, ActivityStates: ['Active', 'Deleted'], Limitation: { Count: 1000 },
        })).LoyaltyPrograms.map((p) => p.Id);
      const page = await getAllLoyaltyTiers({ db: store.db, principal: chainPrincipal(chainId), now: new Date() }, {
        ...credentials, LoyaltyProgramIds: programIds, ActivityStates: query.ActivityState ? [query.ActivityState as 'Active'] : ['Active'], Limitation: limitation(query),
      });
      return { Items: page.LoyaltyTiers, Cursor: page.Cursor };
    },
    memberships: async (request) => {
      const chainId = await knownChain((request.params as { ChainId: string }).ChainId);
      const query = request.query as Query;
      const page = await getAllLoyaltyMemberships({ db: store.db, principal: chainPrincipal(chainId), now: new Date() }, {
        ...credentials,
        ...(query.LoyaltyProgramId ? { LoyaltyProgramIds: [query.LoyaltyProgramId] } : {}),
        ...(query.AccountId ? { AccountIds: [query.AccountId] } : {}),
        ...(query.MembershipState ? { MembershipStates: [query.MembershipState as 'New'] } : {}),
        ...(query.MembershipNumber ? { MembershipNumbers: [query.MembershipNumber] } : {}),
        ActivityStates: query.ActivityState ? [query.ActivityState as 'Active'] : ['Active'],
        Limitation: limitation(query),
      });
      return { Items: page.LoyaltyMemberships, Cursor: page.Cursor };
    },
    reset: async (request) => {
      const chainId = (request.body as { ChainId?: string | null } | undefined)?.ChainId;
      const chainIds = await store.db.transaction().execute(async (trx) => {
        await store.lockChains(trx, await allChainIds(trx));
        const reset = await resetChains(trx, chainId ? [chainId] : undefined, seeds, new Date());
        if (options.demoData) await applyDemoLoyaltyRecords(trx, new Date(), reset);
        return reset;
      });
      return { ChainIds: chainIds };
    },
    saveSnapshot: async (request) => {
      const chainId = (request.query as Query).ChainId;
      return saveSnapshot(store.db, chainId ? [chainId] : undefined, new Date());
    },
    loadSnapshot: async (request) => {
      const snapshot = await readSnapshot(request.body as Buffer);
      const result = await store.db.transaction().execute(async (trx) => {
        await store.lockChains(trx, await allChainIds(trx));
        return loadSnapshot(trx, snapshot);
      });
      return { ChainIds: result.chainIds, Records: result.records };
    },
    listFaults: async () => ({ Faults: faults.list() }),
    addFault: async (request) => faults.add(request.body as FaultRuleInput),
    removeFault: async (request) => {
      if (!faults.remove((request.params as { FaultId: string }).FaultId)) throw invalidParameter('FaultId', 'no such fault rule.');
      return {};
    },
    clearFaults: async () => {
      faults.clear();
      return {};
    },
    journal: async (request) => {
      if (!journal) throw invalidParameter('journal', 'the journal is off (JOURNAL_SIZE=0).');
      const query = request.query as Query;
      const instant = (name: string, text: string | undefined) => {
        if (text === undefined) return undefined;
        const parsed = parseInstant(text);
        if (!parsed) throw invalidParameter(name, 'not an ISO 8601 date-time.');
        return parsed.ms;
      };
      return {
        Entries: journal.query({
          ...(query.Operation ? { operation: query.Operation } : {}),
          ...(query.Status ? { status: query.Status } : {}),
          sinceMs: instant('SinceUtc', query.SinceUtc),
          untilMs: instant('UntilUtc', query.UntilUtc),
          ...(query.Limit ? { limit: Number(query.Limit) } : {}),
        }),
        Usage: journal.usage(),
      };
    },
    clearJournal: async () => {
      journal?.clear();
      return {};
    },
  };

  const guard = adminGuard(adminToken);
  await app.register(async (control) => {
    control.addHook('onRequest', guard);
    const route = (scope: FastifyInstance, name: keyof typeof controlEndpoints, endpoint: ControlEndpoint) => scope.route({
      method: endpoint.method,
      url: `${controlPrefix}${endpoint.path}`,
      // A snapshot of a large tenancy is far bigger than an API request.
      ...(name === 'loadSnapshot' ? { bodyLimit: options.snapshotBodyLimitBytes } : {}),
      schema: {
        ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
        ...(endpoint.params ? { params: endpoint.params } : {}),
        // The snapshot is validated by readSnapshot and loadSnapshot, which name the record and field at fault.
        ...(endpoint.body && name !== 'loadSnapshot' ? { body: endpoint.body } : {}),
        ...(name === 'saveSnapshot' || name === 'journal' ? {} : { response: { 200: endpoint.response } }),
      },
      handler: async (request) => handlers[name](request),
    });
    for (const [name, endpoint] of Object.entries(controlEndpoints) as [keyof typeof controlEndpoints, ControlEndpoint][]) {
      if (name !== 'loadSnapshot') route(control, name, endpoint);
    }
    registerWebhookControl(control, { store, deliverer: options.deliverer });
    registerFrontDesk(control, { store });
    registerIntegrationControl(control, { store, deliverer: options.deliverer });
    // A snapshot arrives as bytes, parsed off the event loop by readSnapshot.
    await control.register(async (scope) => {
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      route(scope, 'loadSnapshot', controlEndpoints.loadSnapshot);
    });
  });
  await (await import('./console-operations.ts')).registerConsoleOperations(app, { store, guard, adminToken });

  const consoleFiles: Record<string, [string, string]> = {
    '/console': ['index.html', 'text/html; charset=utf-8'],
    '/console/console.js': ['console.js', 'text/javascript; charset=utf-8'],
    '/console/console.css': ['console.css', 'text/css; charset=utf-8'],
    '/console/events': ['events.html', 'text/html; charset=utf-8'],
    '/console/events.js': ['events.js', 'text/javascript; charset=utf-8'],
  };
  for (const [url, [file, type]] of Object.entries(consoleFiles)) {
    const content = await readFile(new URL(`./console/${file}`, import.meta.url), 'utf8');
    app.get(url, { onRequest: consoleGuard(adminToken) }, async (_request, reply) => reply.type(type).send(content));
  }
}
