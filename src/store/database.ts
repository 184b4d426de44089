// The tables as Kysely sees them. Columns are snake_case and never leave store/.
// Times are ISO 8601 UTC strings with milliseconds (fixed width, so they sort as text in both
// dialects); booleans are 0/1 integers; `seq` orders records newest-to-oldest for cursor pages.
import type { Generated } from 'kysely';

export interface ChainTable {
  id: string;
  name: string;
  created_utc: string;
  updated_utc: string;
}

export interface EnterpriseTable {
  id: string;
  chain_id: string;
  name: string;
  is_portfolio: number;
  is_enabled: number;
  /** JSON object of the optional published Enterprise fields given in the tenancy file. */
  profile: string;
  created_utc: string;
  updated_utc: string;
}

export interface ClientTable {
  token_hash: string;
  name: string;
  is_enabled: number;
  /** Secrets: they may carry the receiver's shared token in the query. */
  general_webhook_url: string | null;
  integration_webhook_url: string | null;
}

export interface AccessTokenTable {
  token_hash: string;
  client_token_hash: string;
  is_portfolio: number;
  /** The enterprise record (IsPortfolio: true) that configuration/get answers for a portfolio token. */
  portfolio_enterprise_id: string | null;
  is_enabled: number;
  /** Null for tokens stored before integrations had ids: the id derived from the token hash stands. */
  integration_id: string | null;
  /** Enabled | Disabled | Canceled | Deleted: only an Enabled integration's token authenticates. */
  integration_state: Generated<string>;
  created_utc: string | null;
  deleted_utc: string | null;
  /** `C66E…453D`: the first and last four characters of the token, to tell tokens apart. */
  token_hint: string | null;
}

export interface AccessTokenEnterpriseTable {
  access_token_hash: string;
  enterprise_id: string;
}

export interface LoyaltyProgramTable {
  seq: Generated<number>;
  id: string;
  chain_id: string;
  name: string;
  code: string;
  type: string;
  subscription: string;
  activity_state: string;
  created_utc: string;
  updated_utc: string;
}

export interface Database {
  chains: ChainTable;
  enterprises: EnterpriseTable;
  clients: ClientTable;
  access_tokens: AccessTokenTable;
  access_token_enterprises: AccessTokenEnterpriseTable;
  loyalty_programs: LoyaltyProgramTable;
  customers: CustomerTable;
  companies: CompanyTable;
  loyalty_tiers: LoyaltyTierTable;
  loyalty_memberships: LoyaltyMembershipTable;
  rate_window_hits: RateWindowHitTable;
  outbox_events: OutboxEventTable;
  webhook_messages: WebhookMessageTable;
}

export interface OutboxEventTable {
  seq: Generated<number>;
  client_token_hash: string;
  integration_id: string;
  enterprise_id: string;
  /** Space-separated: `CustomerAdded CustomerUpdated` for a new customer, one row. */
  discriminators: string;
  entity_id: string;
  created_utc: string;
}

export interface WebhookMessageTable {
  seq: Generated<number>;
  id: string;
  /** General | Integration */
  kind: string;
  client_token_hash: string;
  integration_id: string;
  payload: string;
  /** Pending | Delivered | Discarded */
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_utc: string;
  claimed_until_utc: string;
  /** Which claim holds the lease: an attempt records its outcome only while its claim still holds. */
  claim_id: string | null;
  created_utc: string;
  updated_utc: string;
}

export interface CustomerTable {
  seq: Generated<number>;
  id: string;
  chain_id: string;
  first_name: string | null;
  last_name: string;
  email: string | null;
  /** Lowercased email: the key of "one active customer per email and chain". */
  email_key: string | null;
  phone: string | null;
  loyalty_code: string | null;
  activity_state: string;
  created_utc: string;
  updated_utc: string;
}

export interface CompanyTable {
  seq: Generated<number>;
  id: string;
  chain_id: string;
  name: string;
  invoiceable: number;
  add_fees_to_invoices: number;
  add_tax_deducted_payment_to_invoices: number;
  external_identifier: string | null;
  activity_state: string;
  created_utc: string;
  updated_utc: string;
}

export interface LoyaltyTierTable {
  seq: Generated<number>;
  id: string;
  chain_id: string;
  loyalty_program_id: string;
  name: string;
  code: string;
  ordering: number;
  activity_state: string;
  created_utc: string;
  updated_utc: string;
}

export interface LoyaltyMembershipTable {
  seq: Generated<number>;
  id: string;
  chain_id: string;
  account_id: string;
  loyalty_program_id: string;
  loyalty_tier_id: string | null;
  state: string;
  is_primary: number;
  membership_number: string | null;
  provider_membership_id: string | null;
  points: number | null;
  /** Wire form, YYYY-MM-DDThh:mm:ssZ. */
  expiration_date: string | null;
  url: string | null;
  activity_state: string;
  created_utc: string;
  updated_utc: string;
}

export interface RateWindowHitTable {
  key: string;
  at_ms: number;
}

/** Times are stored as fixed-width ISO 8601 text with milliseconds, so text order is time order. */
export const storedTime = (at: Date) => at.toISOString();
