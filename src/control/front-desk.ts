// The front desk: the hotel staff adding and editing customers through the control plane, and the
// arrivals simulation that does the same at a pace. It goes through the API's own handlers in one
// transaction each, so it writes exactly what customers/add and customers/update write, events included.
import type { FastifyInstance } from 'fastify';
import { addCustomer, getAllCustomers, updateCustomer } from '../loyalty/accounts.ts';
import type { OperationContext } from '../loyalty/context.ts';
import { staffOfChain } from '../loyalty/staff.ts';
import type { Store } from '../store/connect.ts';
import { browsePageSize } from './browse.ts';
import type { ControlRequest } from './contract.ts';
import { registerEndpoints } from './endpoints.ts';
import { eventControlEndpoints as e } from './events-contract.ts';

type NewCustomer = ControlRequest<typeof e.addCustomer>['body'];
type CustomerChanges = ControlRequest<typeof e.updateCustomer>['body'];

export interface FrontDesk {
  add(chainId: string, fields: NewCustomer): ReturnType<typeof addCustomer>;
  update(chainId: string, customerId: string, fields: CustomerChanges): ReturnType<typeof updateCustomer>;
}

export function frontDesk(store: Store): FrontDesk {
  // Each change in its own transaction with its chain locked, as the API runs a write.
  const inChain = async <T>(chainId: string, work: (context: OperationContext) => Promise<T>): Promise<T> => {
    const staff = await staffOfChain(store.db, chainId);
    return store.db.transaction().execute(async (trx) => {
      await store.lockChains(trx, staff.principal.chainIds);
      // The time is read once the chain is ours, as the API reads it for a write.
      return work({ ...staff, db: trx, now: new Date() });
    });
  };
  return {
    add: (chainId, fields) => inChain(chainId, (context) => addCustomer(context, { ...fields, OverwriteExisting: false })),
    update: (chainId, customerId, fields) => inChain(chainId, (context) => updateCustomer(context, { ...fields, CustomerId: customerId })),
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

interface SimulationPlan {
  readonly chainId: string;
  readonly arrivalsPerMinute: number;
  readonly updatesPerMinute: number;
  readonly durationSeconds: number;
}

/** The arrivals simulation: new guests and edits at a pace, through the front desk, until its end. */
class Simulation {
  private readonly state: SimulationState = {
    chainId: null, arrivalsPerMinute: 0, updatesPerMinute: 0, startedMs: null, endsMs: null,
    arrivals: 0, updates: 0, errors: 0, lastError: null, timer: undefined, recent: [],
  };

  constructor(private readonly desk: FrontDesk) {}

  start(plan: SimulationPlan): void {
    this.stop();
    const now = Date.now();
    Object.assign(this.state, {
      chainId: plan.chainId, arrivalsPerMinute: plan.arrivalsPerMinute, updatesPerMinute: plan.updatesPerMinute,
      startedMs: now, endsMs: now + plan.durationSeconds * 1000, arrivals: 0, updates: 0, errors: 0, lastError: null, recent: [],
    });
    let arrivalsDue = 0;
    let updatesDue = 0;
    let busy = false;
    this.state.timer = setInterval(() => {
      if (Date.now() >= this.state.endsMs!) return this.stop();
      arrivalsDue += (this.state.arrivalsPerMinute * tickMs) / 60_000;
      updatesDue += (this.state.updatesPerMinute * tickMs) / 60_000;
      // One tick's work at a time: a slow database makes the pace lag, never pile up.
      if (busy) return;
      busy = true;
      void (async () => {
        for (; arrivalsDue >= 1 && this.state.timer; arrivalsDue -= 1) await this.arrive(plan.chainId);
        for (; updatesDue >= 1 && this.state.timer && this.state.recent.length > 0; updatesDue -= 1) await this.edit(plan.chainId);
      })().finally(() => { busy = false; });
    }, tickMs);
    this.state.timer.unref();
  }

  stop(): void {
    clearInterval(this.state.timer);
    this.state.timer = undefined;
  }

  describe() {
    const { state } = this;
    return {
      Running: state.timer !== undefined,
      ChainId: state.chainId,
      ArrivalsPerMinute: state.arrivalsPerMinute,
      UpdatesPerMinute: state.updatesPerMinute,
      StartedUtc: state.startedMs === null ? null : new Date(state.startedMs).toISOString(),
      EndsUtc: state.endsMs === null ? null : new Date(state.endsMs).toISOString(),
      Arrivals: state.arrivals,
      Updates: state.updates,
      Errors: state.errors,
      LastError: state.lastError,
    };
  }

  private async arrive(chainId: string): Promise<void> {
    const first = pick(firstNames);
    const last = pick(lastNames);
    const email = `${first}.${last}.${Math.random().toString(36).slice(2, 8)}@guest.example`.toLowerCase();
    await this.desk.add(chainId, { FirstName: first, LastName: last, Email: email, Phone: `+420 ${100_000_000 + Math.floor(Math.random() * 899_999_999)}` })
      .then((customer) => {
        this.state.arrivals += 1;
        this.state.recent = [customer.Id, ...this.state.recent].slice(0, 100);
      }, (error) => this.fail(error));
  }

  private async edit(chainId: string): Promise<void> {
    await this.desk.update(chainId, pick(this.state.recent), { LoyaltyCode: `SIM-${Math.random().toString(36).slice(2, 10).toUpperCase()}` })
      .then(() => { this.state.updates += 1; }, (error) => this.fail(error));
  }

  private fail(error: unknown): void {
    this.state.errors += 1;
    this.state.lastError = (error as Error).message.slice(0, 200);
  }
}

const frontDeskEndpoints = {
  listCustomers: e.listCustomers, addCustomer: e.addCustomer, updateCustomer: e.updateCustomer,
  startSimulation: e.startSimulation, simulation: e.simulation, stopSimulation: e.stopSimulation,
};

export function registerFrontDesk(control: FastifyInstance, { store }: { store: Store }): void {
  const desk = frontDesk(store);
  const simulation = new Simulation(desk);
  control.addHook('onClose', async () => simulation.stop());
  registerEndpoints(control, frontDeskEndpoints, {
    listCustomers: async ({ params, query }) => {
      const page = await getAllCustomers(await staffOfChain(store.db, params.ChainId), {
        ActivityStates: ['Active'], Extent: { Customers: true },
        Limitation: { Count: Math.min(browsePageSize.max, Math.max(1, Number(query.Count ?? browsePageSize.default))), Cursor: query.Cursor ?? null },
      });
      return { Items: page.Customers, Cursor: page.Cursor };
    },
    addCustomer: async ({ params, body }) => desk.add(params.ChainId, body),
    updateCustomer: async ({ params, body }) => desk.update(params.ChainId, params.CustomerId, body),
    startSimulation: async ({ body }) => {
      const { principal } = await staffOfChain(store.db, body.ChainId);
      simulation.start({
        chainId: principal.chainIds[0]!, arrivalsPerMinute: body.ArrivalsPerMinute,
        updatesPerMinute: body.UpdatesPerMinute ?? 0, durationSeconds: body.DurationSeconds,
      });
      return simulation.describe();
    },
    simulation: async () => simulation.describe(),
    stopSimulation: async () => {
      simulation.stop();
      return simulation.describe();
    },
  });
}
