// Fresh records for a test to work on, added through the API (asserting the 200), each with a name
// or code the file's own `unique` makes, so that tests of one file never collide.
import type { TestApp } from './app.ts';
import { expectJsonAnswer } from './expect.ts';
import { gross } from './tenancy.ts';

export type Tokens = typeof gross;
type Fields = Record<string, unknown>;

export interface RecordOptions {
  /** The file's generator of unique names and codes. */
  readonly unique: (prefix: string) => string;
  /** The Name of new programs. */
  readonly programName?: string;
  /** The prefix of new customers' LastName. */
  readonly customerPrefix?: string;
}

/** Record makers over the file's app (read when called: it is started in beforeAll). */
export function recordsOf(app: () => TestApp, { unique, programName = 'Club', customerPrefix = 'Member' }: RecordOptions) {
  /** A fresh active program; its Id. `extra` goes beside the tokens (a portfolio's ChainId). */
  const newProgram = async (tokens: Tokens = gross, extra: Fields = {}) => {
    const answer = await app().call('loyaltyPrograms/add', { ...tokens, ...extra, LoyaltyPrograms: [{ Name: programName, Code: unique('P') }] });
    expectJsonAnswer(answer, 200);
    return answer.body.LoyaltyPrograms[0].Id as string;
  };
  /** Fresh tiers of a program, ordered as made; their Ids. */
  const newTiers = async (programId: string, count = 1, tokens: Tokens = gross, extra: Fields = {}) => {
    const answer = await app().call('loyaltyTiers/add', {
      ...tokens, ...extra,
      LoyaltyTiers: Array.from({ length: count }, (_, i) => ({ LoyaltyProgramId: programId, Name: `Tier ${i}`, Code: unique('T'), Ordering: i })),
    });
    expectJsonAnswer(answer, 200);
    return (answer.body.LoyaltyTiers as { Id: string }[]).map((tier) => tier.Id);
  };
  /** Adds a customer with a fresh LastName unless `fields` names one; the customer answered. */
  const addedCustomer = async (fields: Fields = {}, tokens: Tokens = gross) => {
    const answer = await app().call('customers/add', { ...tokens, OverwriteExisting: false, LastName: unique(customerPrefix), ...fields });
    expectJsonAnswer(answer, 200);
    return answer.body;
  };
  /** A fresh customer; its Id. */
  const newCustomer = async (tokens: Tokens = gross, extra: Fields = {}) => (await addedCustomer(extra, tokens)).Id as string;
  return { newProgram, newTiers, addedCustomer, newCustomer };
}
