// Decides once per run whether the PostgreSQL half of the suite runs: it does when the server at
// TEST_POSTGRES_URL (default postgres://root@127.0.0.1:5432/test) answers, and the run says plainly
// when it does not.
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresUrl', url);
    process.stdout.write(`\nDatabases: SQLite and PostgreSQL (${new URL(url).host}).\n`);
  } catch (error) {
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`PostgreSQL is required (REQUIRE_POSTGRES=1) but ${url} did not answer: ${(error as Error).message}`);
    project.provide('postgresUrl', null);
    process.stdout.write(
      `\n*** PostgreSQL at ${new URL(url).host} did not answer (${(error as Error).message}).\n` +
      '*** Only the SQLite half of the suite runs: the PostgreSQL half was NOT run.\n\n',
    );
  } finally {
    await client.end().catch(() => {});
  }
}
