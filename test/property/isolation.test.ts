// docs/behaviour.md Tenancy, as a property: random sequences of adds, updates, deletes and reads of programs,
// tiers, memberships, customers and companies by tokens of three chains (gross, net, third), a second
// client of the gross chain, the portfolio token (gross + third), and a token connected at the start
// through the control plane (a new enterprise in a chain of its own), checked against a model of who
// owns what. After every step:
// - every token sees exactly the records of its chains (ids, names, points, activity), and nothing else,
//   even when it names foreign ids in filters or sends a foreign ChainId/ChainIds;
// - a request naming a record outside the token's scope fails, changes nothing, and answers exactly
//   like the same request naming an id that does not exist (same status, same Message and Details once
//   the ids are blanked out).
//
//   ISOLATION_RUNS=200 npx vitest run test/property/isolation.test.ts   (a longer run)
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestApp, type TestApp } from '../helpers/app.ts';
import {
  gross, grossChainId, grossClient2, grossEnterpriseId, net, netChainId, netEnterpriseId, portfolio, third, thirdChainId, thirdEnterpriseId,
} from '../helpers/tenancy.ts';

const runs = Math.max(1, Number(process.env.ISOLATION_RUNS ?? 15));
const maxCommands = 40;

interface Actor {
  readonly name: string;
  readonly tokens: { ClientToken: string; AccessToken: string; Client: string };
  readonly chains: readonly string[];
  readonly portfolio: boolean;
}

/** A new integration: its token and chain are filled in when it is connected, before each dialect's runs. */
const connected = { name: 'connected', tokens: { ClientToken: third.ClientToken, AccessToken: '', Client: 'isolation' }, chains: [] as string[], portfolio: false };

const actors: readonly Actor[] = [
  { name: 'gross', tokens: gross, chains: [grossChainId], portfolio: false },
  { name: 'grossClient2', tokens: grossClient2, chains: [grossChainId], portfolio: false },
  { name: 'net', tokens: net, chains: [netChainId], portfolio: false },
  { name: 'third', tokens: third, chains: [thirdChainId], portfolio: false },
  { name: 'portfolio', tokens: portfolio, chains: [grossChainId, thirdChainId], portfolio: true },
  connected,
];
const allChains = [grossChainId, netChainId, thirdChainId];
const chainName = (id: string) => ({ [grossChainId]: 'G', [netChainId]: 'N', [thirdChainId]: 'T' })[id] ?? (id === connected.chains[0] ? 'C' : id);

type Kind = 'program' | 'tier' | 'customer' | 'company' | 'membership';
const kinds: readonly Kind[] = ['program', 'tier', 'customer', 'company', 'membership'];

interface Rec {
  readonly kind: Kind;
  readonly id: string;
  readonly chain: string;
  active: boolean;
  /** Name (programs, tiers, companies), LastName (customers), Points (memberships). */
  content: string | number | null;
  readonly programId?: string;
  tierId?: string | null;
  readonly accountId?: string;
}

// ---------------------------------------------------------------------------------------------
// Commands. Picks are indexes into the model's records of a kind; one past the end names nothing.

const actorArb = fc.nat({ max: actors.length - 1 });
const pick = fc.nat({ max: 1000 });
/** For a portfolio token: which chain to send as ChainId (0, 1 in scope; 2 outside; 3 absent). For others: a ChainId to be ignored. */
const chainArb = fc.nat({ max: 3 });

type Command =
  | { op: 'addProgram' | 'addCustomer' | 'addCompany'; actor: number; chain: number }
  | { op: 'updateProgram'; actor: number; chain: number; target: number }
  | { op: 'deleteProgram' | 'updateTier' | 'deleteTier'; actor: number; target: number }
  | { op: 'addTier'; actor: number; chain: number; program: number }
  | { op: 'addMembership'; actor: number; chain: number; account: number; program: number; tier: number; withTier: boolean; primary: boolean }
  | { op: 'updateMembership'; actor: number; chain: number; target: number; tier: number; withTier: boolean }
  | { op: 'deleteMembership'; actor: number; chain: number; target: number }
  | { op: 'getAll'; actor: number; kind: Kind; cursor: number; chain: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('addProgram' as const, 'addCustomer' as const, 'addCompany' as const), actor: actorArb, chain: chainArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('updateProgram' as const), actor: actorArb, chain: chainArb, target: pick }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('deleteProgram' as const, 'updateTier' as const, 'deleteTier' as const), actor: actorArb, target: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addTier' as const), actor: actorArb, chain: chainArb, program: pick }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('addMembership' as const), actor: actorArb, chain: chainArb, account: pick, program: pick, tier: pick, withTier: fc.boolean(), primary: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('updateMembership' as const), actor: actorArb, chain: chainArb, target: pick, tier: pick, withTier: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteMembership' as const), actor: actorArb, chain: chainArb, target: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('getAll' as const), actor: actorArb, kind: fc.constantFrom(...kinds), cursor: pick, chain: chainArb }) },
);

// ---------------------------------------------------------------------------------------------

interface Answer { status: number; body: any }

describe.each(dialects)('tenant isolation ($name)', (dialect) => {
  let t: TestApp;
  let steps = 0;
  let requests = 0;
  let crossScopeAttempts = 0;

  beforeAll(async () => {
    t = await startTestApp(dialect, { CONTROL_API: 'on' });
    const connection = await t.app.inject({
      method: 'POST', url: '/_connector/integrations', headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ClientToken: third.ClientToken, Enterprise: { Name: 'Isolation Inn' } }),
    });
    expect(connection.statusCode).toBe(200);
    connected.tokens.AccessToken = connection.json().AccessToken;
    connected.chains.splice(0, connected.chains.length, connection.json().ChainId);
  });
  afterAll(async () => {
    await t?.close();
    process.stdout.write(`isolation (${dialect.name}): ${runs} runs, ${steps} steps, ${requests} requests, ${crossScopeAttempts} requests naming a record outside the token's scope\n`);
  });

  async function call(operation: string, actor: Actor, body: object): Promise<Answer> {
    requests++;
    const answer = await t.call(operation, { ...actor.tokens, ...body });
    if (answer.status >= 500) throw new Error(`${operation} by ${actor.name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** One run: a fresh model (ids and codes unique to the run, so runs sharing the database do not meet). */
  async function runSequence(commands: readonly Command[]): Promise<void> {
    const tag = randomUUID().slice(0, 8);
    let serial = 0;
    const unique = (prefix: string) => `${prefix}-${tag}-${++serial}`;
    const records: Rec[] = [];
    const log: string[] = [];
    const of = (kind: Kind) => records.filter((r) => r.kind === kind);
    /** One past the end names nothing (a fresh id): about one pick in (records + 1). */
    const pickIn = (list: readonly Rec[], index: number): Rec | undefined => list[index % (list.length + 1)];
    const pickOf = (kind: Kind, index: number) => pickIn(of(kind), index);
    const fail = (message: string): never => {
      throw new Error(`${message}\nsteps of this run:\n  ${log.join('\n  ')}`);
    };

    /** The chain a portfolio token writes to, or the ChainId a single token sends (ignored). */
    const chainParameter = (actor: Actor, choice: number): { body: object; writeChains: readonly string[]; outside?: string } => {
      if (!actor.portfolio) {
        const sent = [undefined, actor.chains[0], netChainId, thirdChainId][choice];
        return { body: sent ? { ChainId: sent } : {}, writeChains: actor.chains };
      }
      if (choice === 3) return { body: {}, writeChains: [] };
      const chosen = [grossChainId, thirdChainId, netChainId][choice]!;
      if (!actor.chains.includes(chosen)) return { body: { ChainId: chosen }, writeChains: [], outside: chosen };
      return { body: { ChainId: chosen }, writeChains: [chosen] };
    };

    /** Same request with every named id outside the scope swapped for a fresh one: it must answer the same. */
    async function expectSameAsNonexistent(operation: string, actor: Actor, body: object, answer: Answer, foreign: readonly string[], what: string) {
      crossScopeAttempts++;
      if (answer.status < 400 || answer.status >= 500) fail(`${what}: ${actor.name} reached a record outside its scope: ${answer.status} ${JSON.stringify(answer.body)}`);
      let text = JSON.stringify(body);
      const fresh = foreign.map(() => randomUUID());
      foreign.forEach((id, i) => { text = text.replaceAll(id, fresh[i]!); });
      const twin = await call(operation, actor, JSON.parse(text));
      const blank = (value: unknown) => {
        let s = String(value);
        for (const id of [...foreign, ...fresh]) s = s.replaceAll(id, '<id>').replaceAll(id.toUpperCase(), '<id>');
        return s;
      };
      const seen = { status: answer.status, Message: blank(answer.body?.Message), Details: blank(answer.body?.Details) };
      const nonexistent = { status: twin.status, Message: blank(twin.body?.Message), Details: blank(twin.body?.Details) };
      if (JSON.stringify(seen) !== JSON.stringify(nonexistent)) {
        fail(`${what}: a record outside ${actor.name}'s scope does not behave like a missing one:\n  outside:  ${JSON.stringify(seen)}\n  missing:  ${JSON.stringify(nonexistent)}`);
      }
    }

    const visibleTo = (chains: readonly string[], record: Rec | undefined) => record !== undefined && chains.includes(record.chain);

    // ---- the invariant: each token sees exactly its chains' records of a kind, with the model's content.
    async function checkVisibility(kind: Kind, activeOnly = false) {
      const list = of(kind);
      if (list.length === 0) return;
      const ids = list.map((r) => r.id);
      for (const [index, actor] of actors.entries()) {
        const activity = activeOnly ? ['Active'] : ['Active', 'Deleted'];
        // Single tokens also send a foreign ChainIds filter now and then: it must be ignored.
        const ignoredChains = !actor.portfolio && (steps + index) % 3 === 0 ? { ChainIds: [allChains[(steps + index) % 3]] } : {};
        const readChains = actor.portfolio ? { ChainIds: actor.chains } : ignoredChains;
        let answer: Answer;
        let items: any[];
        switch (kind) {
          case 'program':
            answer = await call('loyaltyPrograms/getAll', actor, { ...ignoredChains, LoyaltyProgramIds: ids, ActivityStates: activity, Limitation: { Count: 1000 } });
            items = answer.body.LoyaltyPrograms;
            break;
          case 'tier':
            answer = await call('loyaltyTiers/getAll', actor, { ...ignoredChains, LoyaltyProgramIds: of('program').map((r) => r.id), LoyaltyTierIds: ids, ActivityStates: activity, Limitation: { Count: 1000 } });
            items = answer.body.LoyaltyTiers;
            break;
          case 'membership':
            answer = await call('loyaltyMemberships/getAll', actor, { ...ignoredChains, LoyaltyMembershipIds: ids, ActivityStates: activity, Limitation: { Count: 1000 } });
            items = answer.body.LoyaltyMemberships;
            break;
          case 'customer':
            answer = await call('customers/getAll', actor, { ...readChains, CustomerIds: ids, ActivityStates: activity, Extent: { Customers: true }, Limitation: { Count: 1000 } });
            items = answer.body.Customers;
            break;
          case 'company':
            answer = await call('companies/getAll', actor, { ...ignoredChains, Ids: ids, ActivityStates: activity, Limitation: { Count: 1000 } });
            items = answer.body.Companies;
            break;
        }
        if (answer.status !== 200) fail(`getAll of ${kind}s by ${actor.name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        const expected = list.filter((r) => actor.chains.includes(r.chain) && (!activeOnly || r.active))
          .map((r) => `${r.id} ${chainName(r.chain)} ${JSON.stringify(r.content)}`).sort();
        const seen = items.map((item) => `${item.Id} ${chainName(item.ChainId ?? chainOfTier(item))} ${JSON.stringify(contentOf(kind, item))}`).sort();
        if (JSON.stringify(seen) !== JSON.stringify(expected)) {
          fail(`${actor.name} sees the wrong ${kind}s${activeOnly ? ' (active only)' : ''}:\n  expected ${JSON.stringify(expected)}\n  seen     ${JSON.stringify(seen)}`);
        }
      }
    }
    const chainOfTier = (item: any) => records.find((r) => r.id === item.LoyaltyProgramId)?.chain ?? '?';
    const contentOf = (kind: Kind, item: any) => (kind === 'membership' ? item.Points : kind === 'customer' ? item.LastName : item.Name);

    // ---- the commands.
    async function addRecord(kind: 'program' | 'customer' | 'company', actor: Actor, chain: number) {
      const { body: chainBody, writeChains, outside } = chainParameter(actor, chain);
      const name = unique(kind);
      const [operation, body] = kind === 'program'
        ? ['loyaltyPrograms/add', { ...chainBody, LoyaltyPrograms: [{ Name: name, Code: name }] }] as const
        : kind === 'customer'
          ? ['customers/add', { ...chainBody, LastName: name, Email: `${name}@example.com`, OverwriteExisting: false }] as const
          : ['companies/add', { ...chainBody, Name: name, Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } }] as const;
      const answer = await call(operation, actor, body);
      if (outside) return expectSameAsNonexistent(operation, actor, body, answer, [outside], `add ${kind} in chain ${chainName(outside)}`);
      if (writeChains.length === 0) {
        if (answer.status !== 400) fail(`add ${kind} by ${actor.name} without ChainId answered ${answer.status}`);
        return;
      }
      if (answer.status !== 200) fail(`add ${kind} by ${actor.name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const created = kind === 'program' ? answer.body.LoyaltyPrograms[0] : kind === 'customer' ? answer.body : answer.body.Companies[0];
      if (created.ChainId !== writeChains[0]) fail(`${actor.name} added a ${kind} in chain ${chainName(created.ChainId)}, not ${chainName(writeChains[0]!)}`);
      records.push({ kind, id: created.Id, chain: writeChains[0]!, active: true, content: name });
    }

    async function execute(command: Command) {
      const actor = actors[command.actor]!;
      log.push(`${actor.name} ${JSON.stringify(command)}`);
      steps++;
      switch (command.op) {
        case 'addProgram': return addRecord('program', actor, command.chain);
        case 'addCustomer': return addRecord('customer', actor, command.chain);
        case 'addCompany': return addRecord('company', actor, command.chain);

        case 'updateProgram': {
          const target = pickOf('program', command.target);
          const { body: chainBody, writeChains, outside } = chainParameter(actor, command.chain);
          const id = target?.id ?? randomUUID();
          const name = unique('renamed');
          const body = { ...chainBody, LoyaltyProgramUpdates: [{ LoyaltyProgramId: id, Name: { Value: name } }] };
          const answer = await call('loyaltyPrograms/update', actor, body);
          if (outside) return expectSameAsNonexistent('loyaltyPrograms/update', actor, body, answer, [outside], 'update with a ChainId outside the scope');
          if (writeChains.length === 0) return void (answer.status !== 400 && fail(`portfolio update without ChainId answered ${answer.status}`));
          if (target && !visibleTo(writeChains, target)) return expectSameAsNonexistent('loyaltyPrograms/update', actor, body, answer, [id], 'update a program of another chain');
          if (!target || !target.active) return void (answer.status !== 400 && fail(`update of a missing or deleted program answered ${answer.status}`));
          if (answer.status !== 200) fail(`update program answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          target.content = name;
          return;
        }

        case 'deleteProgram': {
          const target = pickOf('program', command.target);
          const id = target?.id ?? randomUUID();
          const body = { LoyaltyProgramIds: [id] };
          const answer = await call('loyaltyPrograms/delete', actor, body);
          if (target && !visibleTo(actor.chains, target)) return expectSameAsNonexistent('loyaltyPrograms/delete', actor, body, answer, [id], 'delete a program of another chain');
          if (!target || !target.active) return void (answer.status !== 400 && fail(`delete of a missing or deleted program answered ${answer.status}`));
          const inUse = records.some((r) => r.kind === 'membership' && r.active && r.programId === target.id);
          if (inUse) return void (answer.status !== 403 && fail(`delete of a program with active memberships answered ${answer.status}`));
          if (answer.status !== 200) fail(`delete program answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          target.active = false;
          for (const tier of records) if (tier.kind === 'tier' && tier.programId === target.id) tier.active = false;
          return;
        }

        case 'addTier': {
          const program = pickOf('program', command.program);
          const { body: chainBody, writeChains, outside } = chainParameter(actor, command.chain);
          const programId = program?.id ?? randomUUID();
          const name = unique('tier');
          const body = { ...chainBody, LoyaltyTiers: [{ LoyaltyProgramId: programId, Name: name, Code: name, Ordering: serial }] };
          const answer = await call('loyaltyTiers/add', actor, body);
          if (outside) return expectSameAsNonexistent('loyaltyTiers/add', actor, body, answer, [outside], 'add a tier with a ChainId outside the scope');
          if (writeChains.length === 0) return void (answer.status !== 400 && fail(`portfolio tier add without ChainId answered ${answer.status}`));
          if (program && !visibleTo(writeChains, program)) return expectSameAsNonexistent('loyaltyTiers/add', actor, body, answer, [programId], 'add a tier to a program of another chain');
          if (!program || !program.active) return void (answer.status !== 400 && fail(`tier add to a missing or deleted program answered ${answer.status}`));
          if (answer.status !== 200) fail(`add tier answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          records.push({ kind: 'tier', id: answer.body.LoyaltyTiers[0].Id, chain: program.chain, active: true, content: name, programId: program.id });
          return;
        }

        case 'updateTier':
        case 'deleteTier': {
          const target = pickOf('tier', command.target);
          const id = target?.id ?? randomUUID();
          const name = unique('renamed');
          const [operation, body] = command.op === 'updateTier'
            ? ['loyaltyTiers/update', { LoyaltyTierUpdates: [{ LoyaltyTierId: id, Name: { Value: name } }] }] as const
            : ['loyaltyTiers/delete', { LoyaltyTierIds: [id] }] as const;
          const answer = await call(operation, actor, body);
          if (target && !visibleTo(actor.chains, target)) return expectSameAsNonexistent(operation, actor, body, answer, [id], `${command.op} of another chain`);
          if (!target || !target.active) return void (answer.status !== 400 && fail(`${command.op} of a missing or deleted tier answered ${answer.status}`));
          if (command.op === 'deleteTier' && records.some((r) => r.kind === 'membership' && r.active && r.tierId === target.id)) {
            return void (answer.status !== 403 && fail(`delete of a tier in use answered ${answer.status}`));
          }
          if (answer.status !== 200) fail(`${command.op} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          if (command.op === 'updateTier') target.content = name;
          else target.active = false;
          return;
        }

        case 'addMembership': {
          const accounts = [...of('customer'), ...of('company')];
          const account = pickIn(accounts, command.account);
          const program = pickOf('program', command.program);
          const tier = command.withTier ? pickOf('tier', command.tier) : undefined;
          const { body: chainBody, writeChains, outside } = chainParameter(actor, command.chain);
          const ids = { account: account?.id ?? randomUUID(), program: program?.id ?? randomUUID(), tier: command.withTier ? tier?.id ?? randomUUID() : undefined };
          const points = serial;
          const body = {
            ...chainBody,
            LoyaltyMemberships: [{ AccountId: ids.account, LoyaltyProgramId: ids.program, IsPrimary: command.primary, Points: points, ...(ids.tier ? { LoyaltyTierId: ids.tier } : {}) }],
          };
          const answer = await call('loyaltyMemberships/add', actor, body);
          if (outside) return expectSameAsNonexistent('loyaltyMemberships/add', actor, body, answer, [outside], 'add a membership with a ChainId outside the scope');
          if (writeChains.length === 0) return void (answer.status !== 400 && fail(`portfolio membership add without ChainId answered ${answer.status}`));
          const named = [account, program, tier].filter((r): r is Rec => r !== undefined);
          const foreign = named.filter((r) => !visibleTo(writeChains, r)).map((r) => r.id);
          if (foreign.length) return expectSameAsNonexistent('loyaltyMemberships/add', actor, body, answer, foreign, 'add a membership naming records of another chain');
          const valid = account?.active && program?.active && (!command.withTier || (tier?.active && tier.programId === program.id));
          if (!valid) return void (answer.status !== 400 && fail(`membership add naming a missing, deleted or mismatched record answered ${answer.status}: ${JSON.stringify(answer.body)}`));
          const enrolled = records.some((r) => r.kind === 'membership' && r.active && r.accountId === account!.id && r.programId === program!.id);
          if (enrolled) return void (answer.status !== 403 && fail(`a second active membership of an account in a program answered ${answer.status}`));
          if (answer.status !== 200) fail(`add membership answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          const created = answer.body.LoyaltyMemberships[0];
          if (created.ChainId !== writeChains[0]) fail(`membership added in chain ${chainName(created.ChainId)}, not ${chainName(writeChains[0]!)}`);
          records.push({ kind: 'membership', id: created.Id, chain: writeChains[0]!, active: true, content: points, programId: program!.id, tierId: tier?.id ?? null, accountId: account!.id });
          return;
        }

        case 'updateMembership':
        case 'deleteMembership': {
          const target = pickOf('membership', command.target);
          const { body: chainBody, writeChains, outside } = chainParameter(actor, command.chain);
          const id = target?.id ?? randomUUID();
          const tier = command.op === 'updateMembership' && command.withTier ? pickOf('tier', command.tier) : undefined;
          const withTier = command.op === 'updateMembership' && command.withTier;
          const tierId = withTier ? tier?.id ?? randomUUID() : undefined;
          const points = serial + 1000;
          const [operation, body] = command.op === 'updateMembership'
            ? ['loyaltyMemberships/update', { ...chainBody, LoyaltyMembershipUpdates: [{ LoyaltyMembershipId: id, Points: { Value: points }, ...(tierId ? { LoyaltyTierId: { Value: tierId } } : {}) }] }] as const
            : ['loyaltyMemberships/delete', { ...chainBody, LoyaltyMembershipIds: [id] }] as const;
          const answer = await call(operation, actor, body);
          if (outside) return expectSameAsNonexistent(operation, actor, body, answer, [outside], `${command.op} with a ChainId outside the scope`);
          if (writeChains.length === 0) return void (answer.status !== 400 && fail(`portfolio ${command.op} without ChainId answered ${answer.status}`));
          const foreign = [target, tier].filter((r): r is Rec => r !== undefined && !visibleTo(writeChains, r)).map((r) => r.id);
          if (foreign.length) return expectSameAsNonexistent(operation, actor, body, answer, foreign, `${command.op} naming records of another chain`);
          const valid = target?.active && (!withTier || (tier?.active && tier.programId === target.programId));
          if (!valid) return void (answer.status !== 400 && fail(`${command.op} naming a missing, deleted or mismatched record answered ${answer.status}: ${JSON.stringify(answer.body)}`));
          if (answer.status !== 200) fail(`${command.op} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          if (command.op === 'updateMembership') {
            target!.content = points;
            if (tierId) target!.tierId = tierId;
          } else {
            target!.active = false;
          }
          return;
        }

        case 'getAll': {
          // A cursor naming a record outside the scope is an unknown cursor, like one naming nothing.
          const cursorRecord = pickOf(command.kind, command.cursor);
          const cursor = cursorRecord?.id ?? randomUUID();
          const limitation = { Count: 10, Cursor: cursor };
          const readChains = actor.portfolio ? {} : command.chain < 3 ? { ChainIds: [allChains[command.chain]] } : {};
          const [operation, body] = {
            program: ['loyaltyPrograms/getAll', { ...readChains, Limitation: limitation }],
            tier: ['loyaltyTiers/getAll', { ...readChains, LoyaltyProgramIds: of('program').map((r) => r.id), Limitation: limitation }],
            membership: ['loyaltyMemberships/getAll', { ...readChains, Limitation: limitation }],
            customer: ['customers/getAll', { ...(actor.portfolio ? { ChainIds: actor.chains } : readChains), CustomerIds: of('customer').map((r) => r.id), Extent: { Customers: true }, Limitation: limitation }],
            company: ['companies/getAll', { ...readChains, Limitation: limitation }],
          }[command.kind] as [string, object];
          const answer = await call(operation, actor, body);
          if (cursorRecord && !visibleTo(actor.chains, cursorRecord)) return expectSameAsNonexistent(operation, actor, body, answer, [cursor], `a ${command.kind} cursor of another chain`);
          if (!cursorRecord) return void (answer.status !== 400 && fail(`an unknown cursor answered ${answer.status}`));
          if (answer.status !== 200) fail(`getAll with a cursor in scope answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          // A portfolio token naming a chain outside its scope in ChainIds: like a chain that does not exist.
          if (actor.portfolio && command.chain === 2) {
            const outside = { ...body, ChainIds: [netChainId], Limitation: { Count: 10 } };
            const refused = await call(operation, actor, outside);
            await expectSameAsNonexistent(operation, actor, outside, refused, [netChainId], 'ChainIds outside the scope');
          }
          return;
        }
      }
    }

    const touched: Record<Command['op'], Kind[]> = {
      addProgram: ['program'], updateProgram: ['program'], deleteProgram: ['program', 'tier'], addTier: ['tier'],
      updateTier: ['tier'], deleteTier: ['tier'], addCustomer: ['customer'], addCompany: ['company'],
      addMembership: ['membership'], updateMembership: ['membership'], deleteMembership: ['membership'], getAll: [],
    };

    // A prelude gives every chain one record of each kind, so that picks often land in another chain.
    const singles = actors.filter((a) => !a.portfolio && a.name !== 'grossClient2');
    const prelude: Command[] = singles.flatMap((a): Command[] => {
      const actor = actors.indexOf(a);
      const n = singles.indexOf(a);
      return [
        { op: 'addProgram', actor, chain: 0 },
        { op: 'addCustomer', actor, chain: 0 },
        { op: 'addCompany', actor, chain: 0 },
        { op: 'addTier', actor, chain: 0, program: n },
      ];
    });
    prelude.push(...singles.map((a, n): Command => ({ op: 'addMembership', actor: actors.indexOf(a), chain: 0, account: n, program: n, tier: n, withTier: true, primary: true })));

    for (const command of [...prelude, ...commands]) {
      await execute(command);
      for (const kind of touched[command.op]) await checkVisibility(kind);
    }
    for (const kind of kinds) await checkVisibility(kind, true);
    for (const kind of kinds) await checkVisibility(kind, false);
  }

  it('answers configuration/get for an enterprise outside the scope exactly like one that does not exist', async () => {
    const enterprises = [grossEnterpriseId, netEnterpriseId, thirdEnterpriseId];
    const scope: Record<string, readonly string[]> = {
      gross: [grossEnterpriseId], grossClient2: [grossEnterpriseId], net: [netEnterpriseId], third: [thirdEnterpriseId], portfolio: [grossEnterpriseId, thirdEnterpriseId],
      connected: [],
    };
    for (const actor of actors) {
      for (const enterpriseId of enterprises) {
        const answer = await call('configuration/get', actor, { EnterpriseId: enterpriseId });
        if (scope[actor.name]!.includes(enterpriseId)) {
          expect(answer.status, `${actor.name} reads its own enterprise`).toBe(200);
          expect(answer.body.Enterprise.Id).toBe(enterpriseId);
          continue;
        }
        const missing = randomUUID();
        const twin = await call('configuration/get', actor, { EnterpriseId: missing });
        const blank = (body: any) => JSON.stringify({ Message: body?.Message, Details: body?.Details }).replaceAll(enterpriseId, '<id>').replaceAll(missing, '<id>');
        expect([answer.status, blank(answer.body)], `${actor.name} asks for ${enterpriseId}`).toEqual([twin.status, blank(twin.body)]);
        expect(answer.status).toBe(400);
      }
    }
  });

  it('no token sees, changes or deletes a record outside its scope, and such a record answers like a missing one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 15, maxLength: maxCommands }), runSequence),
      { numRuns: runs, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}), interruptAfterTimeLimit: 100_000 + runs * 5_000 },
    );
    expect(crossScopeAttempts).toBeGreaterThan(0);
  }, 120_000 + runs * 6_000);
});
