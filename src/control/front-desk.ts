// The front desk: the hotel staff adding and editing customers through the control plane, and the
// arrivals simulation that does the same at a pace. It goes through the API's own handlers in one
// transaction each, so it writes exactly what customers/add and customers/update write, events included.
import type { FastifyInstance } from 'fastify';
import { addCustomer, getAllCustomers, updateCustomer } from '../loyalty/accounts.ts';
import { invalidParameter } from '../loyalty/errors.ts';
import type { Store } from '../store/connect.ts';
import type { Principal } from '../tenancy/principal.ts';
import { registerEndpoints } from './endpoints.ts';
import { eventControlEndpoints as e } from './events-contract.ts';
import { allChainIds } from './snapshots.ts';

const credentials = { ClientToken: '', AccessToken: '', Client: 'front desk' };

/** The front desk acts inside one chain, as a single-enterprise caller of that chain would. */
const deskOf = (chainId: string): Principal => ({
  accessTokenHash: 'front-desk', clientName: 'front desk', isPortfolio: false,
  enterprises: [{ id: chainId, chainId }], chainIds: [chainId], portfolioEnterpriseId: null,
});

interface CustomerFields {
  readonly FirstName?: string | null;
  readonly LastName?: string | null;
  readonly Email?: string | null;
  readonly Phone?: string | null;
  readonly LoyaltyCode?: string | null;
}

export interface FrontDesk {
  add(chainId: string, fields: CustomerFields & { LastName: string }): ReturnType<typeof addCustomer>;
  update(chainId: string, customerId: string, fields: CustomerFields): ReturnType<typeof updateCustomer>;
}

export function frontDesk(store: Store): FrontDesk {
  const inChain = async <T>(chainId: string, work: (context: { db: Store['db']; principal: Principal; now: Date }) => Promise<T>): Promise<T> => {
    const id = chainId.toLowerCase();
    if (!(await allChainIds(store.db)).includes(id)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
    return store.db.transaction().execute(async (trx) => {
      await store.lockChains(trx, [id]);
      return work({ db: trx, principal: deskOf(id), now: new Date() });
    });
  };
  return {
    add: (chainId, fields) => inChain(chainId, (context) => addCustomer(context, { ...credentials, ...fields, OverwriteExisting: false })),
    update: (chainId, customerId, fields) => inChain(chainId, (context) => updateCustomer(context, { ...credentials, ...fields, CustomerId: customerId })),
  };
}

// The arrivals simulation: one per process, bounded by its duration.
const firstNames = ['Thea', 'Jonas', 'Amelie', 'Karel', 'Sofia', 'Liam', 'Aiko', 'Mateo', 'Noor', 'Elena', 'Ravi', 'Zuzana'];
const lastNames = ['Carbone', 'Novak', 'Schmidt', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Garcia', 'Haddad', 'Kowalski', 'Patel', 'Dvorak'];
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

interface SimulationState {
  chainId: string | null;
  arrivalsPerMinute: number;
  updatesPerMinute: number;
  startedMs: number | null;
  endsMs: number | null;
  arrivals: number;
  updates: number;
  errors: number;
  lastError: string | null;
  timer: NodeJS.Timeout | undefined;
  recent: string[];
}

const tickMs = 250;

export function registerFrontDesk(control: FastifyInstance, { store }: { store: Store }): void {
  const desk = frontDesk(store);
  const simulation: SimulationState = {
    chainId: null, arrivalsPerMinute: 0, updatesPerMinute: 0, startedMs: null, endsMs: null,
    arrivals: 0, updates: 0, errors: 0, lastError: null, timer: undefined, recent: [],
  };
  const stop = () => {
    clearInterval(simulation.timer);
    simulation.timer = undefined;
  };
  control.addHook('onClose', async () => stop());
  const describe = () => ({
    Running: simulation.timer !== undefined,
    ChainId: simulation.chainId,
    ArrivalsPerMinute: simulation.arrivalsPerMinute,
    UpdatesPerMinute: simulation.updatesPerMinute,
    StartedUtc: simulation.startedMs === null ? null : new Date(simulation.startedMs).toISOString(),
    EndsUtc: simulation.endsMs === null ? null : new Date(simulation.endsMs).toISOString(),
    Arrivals: simulation.arrivals,
    Updates: simulation.updates,
    Errors: simulation.errors,
    LastError: simulation.lastError,
  });
  const fail = (error: unknown) => {
    simulation.errors += 1;
    simulation.lastError = (error as Error).message.slice(0, 200);
  };

  registerEndpoints(control, {
    listCustomers: e.listCustomers, addCustomer: e.addCustomer, updateCustomer: e.updateCustomer,
    startSimulation: e.startSimulation, simulation: e.simulation, stopSimulation: e.stopSimulation,
  }, {
    listCustomers: async (request) => {
      const chainId = (request.params as { ChainId: string }).ChainId.toLowerCase();
      if (!(await allChainIds(store.db)).includes(chainId)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
      const query = request.query as { Count?: string; Cursor?: string };
      const page = await getAllCustomers({ db: store.db, principal: deskOf(chainId), now: new Date() }, {
        ...credentials, ActivityStates: ['Active'], Extent: { Customers: true },
        Limitation: { Count: Math.min(1000, Math.max(1, Number(query.Count ?? 50))), Cursor: query.Cursor ?? null },
      });
      return { Items: page.Customers, Cursor: page.Cursor };
    },
    addCustomer: async (request) => desk.add((request.params as { ChainId: string }).ChainId, request.body as CustomerFields & { LastName: string }),
    updateCustomer: async (request) => {
      const { ChainId, CustomerId } = request.params as { ChainId: string; CustomerId: string };
      return desk.update(ChainId, CustomerId, request.body as CustomerFields);
    },
    startSimulation: async (request) => {
      const body = request.body as { ChainId: string; ArrivalsPerMinute: number; UpdatesPerMinute?: number; DurationSeconds: number };
      const chainId = body.ChainId.toLowerCase();
      if (!(await allChainIds(store.db)).includes(chainId)) throw invalidParameter('ChainId', 'not a chain of the tenancy.');
      stop();
      const now = Date.now();
      Object.assign(simulation, {
        chainId, arrivalsPerMinute: body.ArrivalsPerMinute, updatesPerMinute: body.UpdatesPerMinute ?? 0,
        startedMs: now, endsMs: now + body.DurationSeconds * 1000, arrivals: 0, updates: 0, errors: 0, lastError: null, recent: [],
      });
      let arrivalsDue = 0;
      let updatesDue = 0;
      let busy = false;
      simulation.timer = setInterval(() => {
        if (Date.now() >= simulation.endsMs!) return stop();
        arrivalsDue += (simulation.arrivalsPerMinute * tickMs) / 60_000;
        updatesDue += (simulation.updatesPerMinute * tickMs) / 60_000;
        // One tick's work at a time: a slow database makes the pace lag, never pile up.
        if (busy) return;
        busy = true;
        void (async () => {
          for (; arrivalsDue >= 1 && simulation.timer; arrivalsDue -= 1) {
            const first = pick(firstNames);
            const last = pick(lastNames);
            const email = `${first}.${last}.${Math.random().toString(36).slice(2, 8)}@guest.example`.toLowerCase();
            await desk.add(chainId, { FirstName: first, LastName: last, Email: email, Phone: `+420 ${100_000_000 + Math.floor(Math.random() * 899_999_999)}` })
              .then((customer) => {
                simulation.arrivals += 1;
                simulation.recent = [customer.Id, ...simulation.recent].slice(0, 100);
              }, fail);
          }
          for (; updatesDue >= 1 && simulation.timer; updatesDue -= 1) {
            if (simulation.recent.length === 0) break;
            await desk.update(chainId, pick(simulation.recent), { LoyaltyCode: `SIM-${Math.random().toString(36).slice(2, 10).toUpperCase()}` })
              .then(() => { simulation.updates += 1; }, fail);
          }
        })().finally(() => { busy = false; });
      }, tickMs);
      simulation.timer.unref();
      return describe();
    },
    simulation: async () => describe(),
    stopSimulation: async () => {
      stop();
      return describe();
    },
  });
}
