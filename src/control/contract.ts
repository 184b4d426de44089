// The control plane's wire: its endpoints under the reserved /_connector/ prefix, as data, so the
// routes and the OpenAPI document (tag `control`) come from one list.
import { Type, type Static, type TSchema } from 'typebox';
import { ErrorBody } from '../contract/common.ts';
import { Snapshot } from './snapshots.ts';
import { injectableStatuses } from './faults.ts';

export const controlPrefix = '/_connector';

const ChainIdText = Type.String({ format: 'uuid', description: 'Unique identifier of the chain.' });
const CountText = Type.String({ pattern: '^\\d{1,4}$', description: 'Page size, 1 to 1000 (default 50).' });
const CursorText = Type.String({ format: 'uuid', description: 'Id of the item one newer than the page.' });

export const ChainList = Type.Object({ Chains: Type.Array(Type.Object({ Id: Type.String(), Name: Type.String() })) }, { title: 'ControlChainList' });

export const FaultRuleParameters = Type.Object(
  {
    Operation: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z]+/[A-Za-z]+$', description: 'resource/action, e.g. loyaltyMemberships/getAll; every operation when absent.' }), Type.Null()])),
    AccessToken: Type.Optional(Type.Union([Type.String({ minLength: 1, description: 'Only calls with this access token; every token when absent.' }), Type.Null()])),
    Probability: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
    Count: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many calls it answers; no limit when absent.' }), Type.Null()])),
    Status: Type.Optional(Type.Union([Type.Enum([...injectableStatuses]), Type.Null()])),
    RetryAfterSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 3600 }), Type.Null()])),
    LatencyMs: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 60_000 }), Type.Null()])),
  },
  { title: 'FaultRuleParameters' },
);

export const FaultRule = Type.Object(
  {
    Id: Type.String(), Operation: Type.Union([Type.String(), Type.Null()]), AccessToken: Type.Union([Type.String(), Type.Null()]),
    Probability: Type.Number(), RemainingCount: Type.Union([Type.Integer(), Type.Null()]), Status: Type.Union([Type.Integer(), Type.Null()]),
    RetryAfterSeconds: Type.Union([Type.Integer(), Type.Null()]), LatencyMs: Type.Union([Type.Integer(), Type.Null()]), InjectedCount: Type.Integer(),
  },
  { title: 'FaultRule' },
);

export const JournalEntry = Type.Object(
  {
    Id: Type.String(), TimeUtc: Type.String(), Method: Type.String(), Path: Type.String(), Operation: Type.Union([Type.String(), Type.Null()]),
    Token: Type.Union([Type.String(), Type.Null()]), Status: Type.Integer(), DurationMs: Type.Number(),
    RequestBody: Type.Unknown(), ResponseBody: Type.Unknown(), Fault: Type.Union([Type.String(), Type.Null()]),
    ChainIds: Type.Array(Type.String(), { description: "The chains in the caller's scope; empty when the call was refused before the caller was known." }),
  },
  { title: 'JournalEntry' },
);

export interface ControlEndpoint {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  readonly querystring?: TSchema;
  readonly params?: TSchema;
  readonly body?: TSchema;
  readonly response: TSchema;
  /** The body may be as large as a snapshot (SNAPSHOT_BODY_LIMIT), not only an API request. */
  readonly largeBody?: boolean;
  /**
   * The body arrives as bytes and the handler checks it (off the event loop, naming the record and
   * field at fault); `body` only documents it.
   */
  readonly rawBody?: boolean;
  /** The answer is sent as built (plain JSON.stringify); `response` only documents it. */
  readonly responseAsBuilt?: boolean;
}

type StaticOf<S> = S extends TSchema ? Static<S> : undefined;

/** A request to a control endpoint as its schemas let it through. */
export interface ControlRequest<E extends ControlEndpoint> {
  readonly params: StaticOf<E['params']>;
  readonly query: StaticOf<E['querystring']>;
  readonly body: E['rawBody'] extends true ? Buffer : StaticOf<E['body']>;
}

export type ControlHandlers<E extends Record<string, ControlEndpoint>> = {
  readonly [K in keyof E]: (request: ControlRequest<E[K]>) => Promise<unknown>;
};

const Empty = Type.Object({}, { title: 'EmptyResult' });
const Page = (item: string) => Type.Object({ Items: Type.Array(Type.Unknown()), Cursor: Type.Union([Type.String(), Type.Null()]) }, { title: `Control${item}Page` });
const ChainParams = Type.Object({ ChainId: ChainIdText });

export const controlEndpoints = {
  chains: { method: 'GET', path: '/chains', summary: 'List the chains of the tenancy', response: ChainList },
  programs: {
    method: 'GET', path: '/chains/:ChainId/loyaltyPrograms', summary: "Browse a chain's loyalty programs", params: ChainParams,
    querystring: Type.Object({ Count: Type.Optional(CountText), Cursor: Type.Optional(CursorText), ActivityState: Type.Optional(Type.Enum(['Active', 'Deleted'])) }),
    response: Page('LoyaltyProgram'),
  },
  tiers: {
    method: 'GET', path: '/chains/:ChainId/loyaltyTiers', summary: "Browse a chain's loyalty tiers", params: ChainParams,
    querystring: Type.Object({ LoyaltyProgramId: Type.Optional(Type.String({ format: 'uuid' })), Count: Type.Optional(CountText), Cursor: Type.Optional(CursorText), ActivityState: Type.Optional(Type.Enum(['Active', 'Deleted'])) }),
    response: Page('LoyaltyTier'),
  },
  memberships: {
    method: 'GET', path: '/chains/:ChainId/loyaltyMemberships', summary: "Browse a chain's loyalty memberships", params: ChainParams,
    querystring: Type.Object({
      LoyaltyProgramId: Type.Optional(Type.String({ format: 'uuid' })), AccountId: Type.Optional(Type.String({ format: 'uuid' })),
      MembershipState: Type.Optional(Type.Enum(['New', 'Pending', 'Enrolled', 'Canceled', 'Declined'])),
      MembershipNumber: Type.Optional(Type.String({ minLength: 1 })),
      Count: Type.Optional(CountText), Cursor: Type.Optional(CursorText), ActivityState: Type.Optional(Type.Enum(['Active', 'Deleted'])),
    }),
    response: Page('LoyaltyMembership'),
  },
  reset: {
    method: 'POST', path: '/reset', summary: 'Reset one chain (ChainId) or everything to the tenancy seed',
    body: Type.Object({ ChainId: Type.Optional(Type.Union([ChainIdText, Type.Null()])) }, { title: 'ResetParameters' }),
    response: Type.Object({ ChainIds: Type.Array(Type.String()) }, { title: 'ResetResult' }),
  },
  saveSnapshot: {
    method: 'GET', path: '/snapshot', summary: 'Export the loyalty data and accounts of a chain (ChainId) or of everything',
    querystring: Type.Object({ ChainId: Type.Optional(ChainIdText) }), response: Snapshot, responseAsBuilt: true,
  },
  loadSnapshot: {
    method: 'POST', path: '/snapshot', summary: 'Load a snapshot: replaces the data of its chains, atomically', body: Snapshot, largeBody: true, rawBody: true,
    response: Type.Object({ ChainIds: Type.Array(Type.String()), Records: Type.Integer() }, { title: 'SnapshotLoadResult' }),
  },
  listFaults: { method: 'GET', path: '/faults', summary: 'List the fault rules', response: Type.Object({ Faults: Type.Array(FaultRule) }, { title: 'FaultRuleList' }) },
  addFault: { method: 'POST', path: '/faults', summary: 'Add a fault rule', body: FaultRuleParameters, response: FaultRule },
  removeFault: { method: 'DELETE', path: '/faults/:FaultId', summary: 'Remove a fault rule', params: Type.Object({ FaultId: Type.String({ format: 'uuid' }) }), response: Empty },
  clearFaults: { method: 'DELETE', path: '/faults', summary: 'Remove every fault rule', response: Empty },
  journal: {
    method: 'GET', path: '/journal', summary: 'Read the request journal, newest first',
    querystring: Type.Object({
      Operation: Type.Optional(Type.String()), Status: Type.Optional(Type.String({ pattern: '^([1-5]\\d\\d|[1-5]xx)$' })),
      SinceUtc: Type.Optional(Type.String()), UntilUtc: Type.Optional(Type.String()), Limit: Type.Optional(CountText),
    }),
    response: Type.Object({
      Entries: Type.Array(JournalEntry),
      Usage: Type.Object({
        Entries: Type.Integer(), Bytes: Type.Integer(), BudgetBytes: Type.Integer(),
        DroppedForBytes: Type.Integer({ description: 'Calls let go to stay within JOURNAL_BYTES.' }),
        TruncatedBodies: Type.Integer({ description: 'Bodies and answers over 64 KB kept as a note of their size.' }),
      }, { title: 'JournalUsage' }),
    }, { title: 'JournalEntries' }),
    responseAsBuilt: true,
  },
  clearJournal: { method: 'DELETE', path: '/journal', summary: 'Clear the request journal', response: Empty },
} satisfies Record<string, ControlEndpoint>;

export { ErrorBody };
