// Chains, enterprises, clients and access tokens. Tokens are kept only as SHA-256 hashes.
import type { Kysely, Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

export function tenancyMigration(_capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('chains')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('enterprises')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('chain_id', 'text', (c) => c.notNull().references('chains.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_portfolio', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('profile', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_utc', 'text', (c) => c.notNull())
        .addColumn('updated_utc', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('clients')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('access_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('client_token_hash', 'text', (c) => c.notNull().references('clients.token_hash'))
        .addColumn('is_portfolio', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('portfolio_enterprise_id', 'text', (c) => c.references('enterprises.id'))
        .addColumn('is_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('access_token_enterprises')
        .addColumn('access_token_hash', 'text', (c) => c.notNull().references('access_tokens.token_hash'))
        .addColumn('enterprise_id', 'text', (c) => c.notNull().references('enterprises.id'))
        .addPrimaryKeyConstraint('access_token_enterprises_pk', ['access_token_hash', 'enterprise_id'])
        .execute();
    },
  };
}
