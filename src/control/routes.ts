// The control plane under /_connector/ (reset, snapshots, fault rules, the journal, and browsing for
// the console) and the console at /console. Registered only when CONTROL_API is on; protected by
// ADMIN_TOKEN when it is set. Errors and Request-Id are the API's own.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../loyalty/errors.ts';
import { parseInstant } from '../loyalty/time.ts';
import type { Store } from '../store/connect.ts';
import type { TenancySeed } from '../tenancy/seed.ts';
import { adminGuard, consoleGuard } from './admin-guard.ts';
import { browseEndpoints, browseHandlers } from './browse.ts';
import { controlEndpoints, type ControlHandlers } from './contract.ts';
import { registerEndpoints } from './endpoints.ts';
import type { FaultInjector } from './faults.ts';
import type { Journal } from './journal.ts';
import { loadSnapshot, readSnapshot, resetChains, saveSnapshot, withEveryChainLocked } from './snapshots.ts';
import type { Deliverer } from '../events/deliverer.ts';
import { registerFrontDesk } from './front-desk.ts';
import { registerIntegrationControl } from './integrations.ts';
import { registerWebhookControl } from './webhooks.ts';
import { registerConsoleOperations } from './console-operations.ts';
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

const { reset, saveSnapshot: save, loadSnapshot: load, listFaults, addFault, removeFault, clearFaults, journal, clearJournal } = controlEndpoints;
const dataEndpoints = { reset, saveSnapshot: save, loadSnapshot: load };
const faultEndpoints = { listFaults, addFault, removeFault, clearFaults };
const journalEndpoints = { journal, clearJournal };

/** Resets and snapshots: each replaces whole chains, with every chain locked. */
function dataHandlers({ store, seeds, demoData }: ControlPlaneOptions): ControlHandlers<typeof dataEndpoints> {
  return {
    reset: async ({ body }) => ({
      ChainIds: await withEveryChainLocked(store, async (trx) => {
        const chainIds = await resetChains(trx, body.ChainId ? [body.ChainId] : undefined, seeds, new Date());
        if (demoData) await applyDemoLoyaltyRecords(trx, new Date(), chainIds);
        return chainIds;
      }),
    }),
    saveSnapshot: async ({ query }) => saveSnapshot(store.db, query.ChainId ? [query.ChainId] : undefined, new Date()),
    loadSnapshot: async ({ body }) => {
      const snapshot = await readSnapshot(body);
      const result = await withEveryChainLocked(store, (trx) => loadSnapshot(trx, snapshot));
      return { ChainIds: result.chainIds, Records: result.records };
    },
  };
}

function faultHandlers(faults: FaultInjector): ControlHandlers<typeof faultEndpoints> {
  return {
    listFaults: async () => ({ Faults: faults.list() }),
    addFault: async ({ body }) => faults.add(body),
    removeFault: async ({ params }) => {
      if (!faults.remove(params.FaultId)) throw invalidParameter('FaultId', 'no such fault rule.');
      return {};
    },
    clearFaults: async () => {
      faults.clear();
      return {};
    },
  };
}

const instant = (name: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const parsed = parseInstant(text);
  if (!parsed) throw invalidParameter(name, 'not an ISO 8601 date-time.');
  return parsed.ms;
};

function journalHandlers(journal: Journal | undefined): ControlHandlers<typeof journalEndpoints> {
  return {
    journal: async ({ query }) => {
      if (!journal) throw invalidParameter('journal', 'the journal is off (JOURNAL_SIZE=0).');
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
}

const consoleFiles: Record<string, [string, string]> = {
  '/console': ['index.html', 'text/html; charset=utf-8'],
  '/console/console.js': ['console.js', 'text/javascript; charset=utf-8'],
  '/console/console.css': ['console.css', 'text/css; charset=utf-8'],
  '/console/events': ['events.html', 'text/html; charset=utf-8'],
  '/console/events.js': ['events.js', 'text/javascript; charset=utf-8'],
  // The views both console pages share (header, chain picker, tables, the front desk).
  '/console/views.js': ['views.js', 'text/javascript; charset=utf-8'],
};

async function registerConsole(app: FastifyInstance, adminToken: string | undefined): Promise<void> {
  for (const [url, [file, type]] of Object.entries(consoleFiles)) {
    const content = await readFile(new URL(`./console/${file}`, import.meta.url), 'utf8');
    app.get(url, { onRequest: consoleGuard(adminToken) }, async (_request, reply) => reply.type(type).send(content));
  }
}

export async function registerControlPlane(app: FastifyInstance, options: ControlPlaneOptions): Promise<void> {
  const { store } = options;
  await app.register(async (control) => {
    control.addHook('onRequest', adminGuard(options.adminToken));
    registerEndpoints(control, browseEndpoints, browseHandlers(store));
    registerEndpoints(control, dataEndpoints, dataHandlers(options), { largeBodyLimitBytes: options.snapshotBodyLimitBytes });
    registerEndpoints(control, faultEndpoints, faultHandlers(options.faults));
    registerEndpoints(control, journalEndpoints, journalHandlers(options.journal));
    registerWebhookControl(control, { store, deliverer: options.deliverer });
    registerFrontDesk(control, { store });
    registerIntegrationControl(control, { store, deliverer: options.deliverer });
    registerConsoleOperations(control, { store });
  });
  await registerConsole(app, options.adminToken);
}
