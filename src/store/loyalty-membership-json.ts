// A loyalty membership as the wire's JSON, written by the database from the columns of
// `recordColumns` (their aliases), for getAll pages answered in one pass from rows to the wire.
//
// The properties are those of the contract's LoyaltyMembership in its schema's order, the values as
// `toLoyaltyMembership` (src/loyalty/memberships.ts) gives them: `Code` repeats MembershipNumber, the
// stored 0/1 is a boolean. A test compares this text with the answer built from the records.
// Strings go through the database's own JSON quoting (SQLite `json_quote`, PostgreSQL `to_json`),
// which escapes what JSON must; every value is JSON text, `null` included.
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

function value(postgres: boolean, column: string, kind: 'text' | 'number' | 'boolean'): string {
  if (kind === 'boolean') return `(case when ${column} = 1 then 'true' else 'false' end)`;
  if (kind === 'number') return postgres ? `coalesce(${column}::text, 'null')` : `coalesce(cast(${column} as text), 'null')`;
  return postgres ? `coalesce(to_json(${column}::text)::text, 'null')` : `json_quote(${column})`;
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

const expressions = new Map<boolean, string>();

/** The expression (SQL) of one membership's JSON; `profile` is CreatorProfile's and UpdaterProfile's JSON. */
export function loyaltyMembershipJson(postgres: boolean, profile: string): RawBuilder<string> {
  let expression = expressions.get(postgres);
  if (expression === undefined) {
    expression = properties
      .map(([name, column, kind], i) => `${sqlString(`${i === 0 ? '{' : ','}"${name}":`)} || ${value(postgres, column, kind)}`)
      .join(' || ');
    expressions.set(postgres, expression);
  }
  return sql<string>`${sql.raw(expression)} || ${`,"CreatorProfile":${profile},"UpdaterProfile":${profile}}`}`;
}
