// src/contract: the wire as data (TypeBox schemas and one declaration per operation), imported by
// every other layer and importing none of them.
//
// The shared pieces of the wire: authentication fields, identifiers, Limitation, TimeInterval,
// update values, ActivityState and the error body. Everything here is a JSON schema built with
// TypeBox, so the same value validates requests, serializes responses and feeds the OpenAPI document.
import { Type, type Static, type TProperties, type TSchema } from 'typebox';

/** Most published arrays allow up to 1000 items. */
export const maxItems = 1000;

/**
 * `T | null`. For a schema with a single primitive `type` (or an `enum`), null is added to it in
 * place rather than wrapped in `anyOf`: validation errors then name the real problem and the
 * serializer stays on its fast path.
 */
export function OrNull<S extends TSchema>(schema: S) {
  const raw = schema as unknown as Record<string, unknown>;
  if (typeof raw.type === 'string' && raw.type !== 'object' && raw.type !== 'array') {
    return Type.Unsafe<Static<S> | null>({ ...raw, type: [raw.type, 'null'] });
  }
  if (Array.isArray(raw.enum)) {
    return Type.Unsafe<Static<S> | null>({ ...raw, enum: [...raw.enum, null] });
  }
  return Type.Unsafe<Static<S> | null>({ anyOf: [schema, Type.Null()] });
}

/** An optional request property that clients may also send as `null` (they often do). */
export function Nullable<S extends TSchema>(schema: S) {
  return Type.Optional(OrNull(schema));
}

export const Uuid = Type.String({ format: 'uuid', description: 'Unique identifier (UUID).' });

export const UuidArray = (description: string) =>
  Type.Array(Uuid, { maxItems, description: `${description} Max 1000 items.` });

export const StringArray = (description: string) =>
  Type.Array(Type.String(), { maxItems, description: `${description} Max 1000 items.` });

/** A write array: at least one item, at most 1000. */
export const WriteArray = <S extends TSchema>(items: S, description: string) =>
  Type.Array(items, { minItems: 1, maxItems, description: `${description} 1 to 1000 items.` });

export const ActivityState = Type.Enum(['Active', 'Deleted'], { description: 'Activity state.' });
export type ActivityState = Static<typeof ActivityState>;

export const ActivityStates = Type.Array(ActivityState, {
  maxItems: 2,
  description: 'Whether to return only active, only deleted or both records. Active only when absent.',
});

export const Limitation = Type.Object(
  {
    Count: Type.Integer({ minimum: 1, maximum: maxItems, description: 'Count of items to be returned, 1 to 1000.' }),
    Cursor: Nullable(Type.String({ format: 'uuid', description: 'Id of the item one newer than the items to be returned.' })),
  },
  { title: 'Limitation', description: 'Limitation on the quantity of data returned (cursor pagination).' },
);
export type Limitation = Static<typeof Limitation>;

export const TimeInterval = Type.Object(
  {
    StartUtc: Type.String({ description: 'Start of the interval (inclusive), ISO 8601 UTC.' }),
    EndUtc: Type.String({ description: 'End of the interval (exclusive; equal to StartUtc means equality), ISO 8601 UTC.' }),
  },
  { title: 'TimeInterval', description: 'Half-open time interval, at most three months long.' },
);
export type TimeInterval = Static<typeof TimeInterval>;

/** The fields every request carries. */
export const AuthenticationFields = {
  ClientToken: Type.String({ minLength: 1, description: 'Token identifying the client application.' }),
  AccessToken: Type.String({ minLength: 1, description: 'Access token of the client application.' }),
  Client: Type.String({ minLength: 1, maxLength: 255, description: 'Name and version of the client application (at most 255 characters).' }),
  LanguageCode: Nullable(Type.String({ description: 'Accepted; selects nothing here.' })),
  CultureCode: Nullable(Type.String({ description: 'Accepted; selects nothing here.' })),
};

/** A request body: the authentication fields plus the operation's own. Unknown properties are ignored. */
export function RequestBody<P extends TProperties>(name: string, properties: P) {
  return Type.Object({ ...AuthenticationFields, ...properties }, { title: name });
}

export const ChainIdParameter = Nullable(
  Type.String({ format: 'uuid', description: 'Unique identifier of the chain. Required with a portfolio access token, ignored otherwise.' }),
);

export const ChainIdsFilter = Nullable(UuidArray('Unique identifiers of the chains. All chains in scope of the access token when absent.'));

/**
 * An update value for a property that can be cleared: absent or `null` keeps the value,
 * `{ "Value": x }` sets it, `{ "Value": null }` clears it.
 */
export function ClearableUpdateValue<S extends TSchema>(value: S, description: string) {
  return Nullable(Type.Object({ Value: Nullable(value) }, { title: updateValueTitle(value), description }));
}

/** An update value for a property that cannot be cleared: `Value` is required and not null. */
export function UpdateValue<S extends TSchema>(value: S, description: string) {
  return Nullable(Type.Object({ Value: value }, { required: ['Value'], title: updateValueTitle(value), description }));
}

/** The published names: StringUpdateValue, BoolUpdateValue, IntegerUpdateValue, LoyaltyProgramTypeUpdateValue, … */
function updateValueTitle(value: TSchema): string {
  const raw = value as unknown as { title?: string; type?: string };
  if (raw.title) return `${raw.title}UpdateValue`;
  const byType: Record<string, string> = { string: 'String', boolean: 'Bool', integer: 'Integer', number: 'Number' };
  return `${byType[raw.type ?? ''] ?? 'Value'}UpdateValue`;
}

export const ErrorBody = Type.Object(
  {
    Message: Type.String({ description: 'Description of the error, naming the parameter at fault.' }),
    RequestId: Type.String({ description: 'Equals the Request-Id header.' }),
    Details: Type.Optional(Type.String({ description: 'Which field failed and why. Omitted in production.' })),
  },
  { title: 'ConnectorApiExceptionResult' },
);
export type ErrorBody = Static<typeof ErrorBody>;

export const EmptyResult = Type.Object({}, { title: 'EmptyResult', description: 'An empty object.' });

export const ProfileDataDiscriminator = Type.Enum(['Personal', 'Enterprise', 'Platform', 'Static', 'Integration']);

export const ProfileData = Type.Object(
  {
    Discriminator: ProfileDataDiscriminator,
    EnterpriseProfile: OrNull(Type.Object({ ProfileId: Type.String() }, { required: ['ProfileId'] })),
  },
  { title: 'ProfileData' },
);

/** The published demo credentials (gross pricing enterprise), used by the documented examples. */
export const demoAuthentication = {
  ClientToken: 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D',
  AccessToken: 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D',
  Client: 'Sample Client 1.0.0',
} as const;
