// A loyalty membership as the wire's JSON, written by SQLite from the columns of `recordColumns`
// (their aliases), for getAll pages answered in one pass from rows to the wire.
//
// The properties are those of the contract's LoyaltyMembership in its schema's order, the values as
// `toLoyaltyMembership` (src/loyalty/memberships.ts) gives them: `Code` repeats MembershipNumber, the
// stored 0/1 is a boolean; strings go through `json_quote`, which escapes what JSON must. A test
// compares this text with the answer built from the records, on both databases (PostgreSQL's pages are
// written by that mapping itself).
import { sql, type RawBuilder } from 'kysely';

/** Each property and the column (alias) it is written from; `text` values are quoted, `number` ones not. */
const properties: readonly (readonly [string, string, 'text' | 'number' | 'boolean'])[] = [
  ['Id', 'id', 'text'],
  ['ChainId', '"chainId"', 'text'],
  ['AccountId', '"accountId"', 'text'],
  ['LoyaltyProgramId', '"loyaltyProgramId"', 'text'],
  ['State', 'state', 'text'],
  ['IsPrimary', '"isPrimary"', 'boolean'],
  ['ProviderMembershipId', '"providerMembershipId"', 'text'],
  ['Code', '"membershipNumber"', 'text'],
  ['MembershipNumber', '"membershipNumber"', 'text'],
  ['Points', 'points', 'number'],
  ['ExpirationDate', '"expirationDate"', 'text'],
  ['Url', 'url', 'text'],
  ['LoyaltyTierId', '"loyaltyTierId"', 'text'],
];

function value(column: string, kind: 'text' | 'number' | 'boolean'): string {
  if (kind === 'boolean') return `(case when ${column} = 1 then 'true' else 'false' end)`;
  if (kind === 'number') return `coalesce(cast(${column} as text), 'null')`;
  return `json_quote(${column})`;
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The expression without its profiles, built once. */
const expression = properties
  .map(([name, column, kind], i) => `${sqlString(`${i === 0 ? '{' : ','}"${name}":`)} || ${value(column, kind)}`)
  .join(' || ');

/** The SQLite expression of one membership's JSON; `profile` is CreatorProfile's and UpdaterProfile's JSON. */
export function loyaltyMembershipJson(profile: string): RawBuilder<string> {
  return sql<string>`${sql.raw(expression)} || ${`,"CreatorProfile":${profile},"UpdaterProfile":${profile}}`}`;
}
