// PostgreSQL: a change mark per chain, moved by the database itself whenever a statement writes a
// row any getAll reads (loyalty programs, tiers, memberships, customers, companies). Every writer moves
// it in its own transaction: this server's requests, its control plane, another instance, an operator
// at psql. A request reads its chains' marks in the statement that checks its token, and the answer
// cache keeps an answer under them (http/answer-cache.ts): what was committed before a request began
// always changes its marks, so no instance answers from memory what another has since changed.
//
// A mark is drawn from a sequence, never a counter: values never repeat, whatever is rolled back.
// What no trigger sees: writes in a session whose triggers are off (`session_replication_role =
// replica`, `pg_restore --disable-triggers`, `ALTER TABLE … DISABLE TRIGGER`) and changes to
// `chain_changes` itself; after such work, restart the instances or run them with ANSWER_CACHE=off.
// Writers of one chain already take turns (the chain's advisory lock), so the row's lock costs them no
// waiting. SQLite needs none of this: one file, and `data_version` tells of any other writer.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Capabilities } from '../connect.ts';

/** The tables whose rows a getAll answer is made of; each has a `chain_id`. */
export const chainDataTables = ['loyalty_programs', 'loyalty_tiers', 'loyalty_memberships', 'customers', 'companies'] as const;

export function chainChangesMigration(capabilities: Capabilities): Migration {
  return {
    async up(db: Kysely<any>) {
      if (capabilities.sequenceColumn !== 'postgres') return;
      await sql`create sequence chain_change_marks`.execute(db);
      await sql`create table chain_changes (chain_id text primary key, mark bigint not null)`.execute(db);
      // `set search_path from current`: the function finds its table in this schema whoever writes,
      // whatever their own search_path. Rows are taken in chain order, so two multi-chain writers
      // cannot wait on each other's rows in opposite orders within one statement.
      await sql.raw(`
        create function note_chain_changes() returns trigger language plpgsql
        set search_path from current as $$
        begin
          if tg_op = 'INSERT' then
            insert into chain_changes (chain_id, mark)
              select chain_id, nextval('chain_change_marks') from (select distinct chain_id from new_rows order by chain_id) changed
              on conflict (chain_id) do update set mark = excluded.mark;
          elsif tg_op = 'UPDATE' then
            insert into chain_changes (chain_id, mark)
              select chain_id, nextval('chain_change_marks')
                from (select chain_id from new_rows union select chain_id from old_rows order by chain_id) changed
              on conflict (chain_id) do update set mark = excluded.mark;
          else
            insert into chain_changes (chain_id, mark)
              select chain_id, nextval('chain_change_marks') from (select distinct chain_id from old_rows order by chain_id) changed
              on conflict (chain_id) do update set mark = excluded.mark;
          end if;
          return null;
        end $$`).execute(db);
      // TRUNCATE names no rows: it moves every chain's mark.
      await sql.raw(`
        create function note_truncation() returns trigger language plpgsql
        set search_path from current as $$
        begin
          insert into chain_changes (chain_id, mark)
            select id, nextval('chain_change_marks') from chains order by id
            on conflict (chain_id) do update set mark = excluded.mark;
          return null;
        end $$`).execute(db);
      // A trigger with transition tables fires on one event only: three per table, and one for TRUNCATE.
      for (const table of chainDataTables) {
        await sql.raw(`create trigger ${table}_note_truncation after truncate on ${table}
          for each statement execute function note_truncation()`).execute(db);
        await sql.raw(`create trigger ${table}_note_inserts after insert on ${table} referencing new table as new_rows
          for each statement execute function note_chain_changes()`).execute(db);
        await sql.raw(`create trigger ${table}_note_updates after update on ${table} referencing old table as old_rows new table as new_rows
          for each statement execute function note_chain_changes()`).execute(db);
        await sql.raw(`create trigger ${table}_note_deletes after delete on ${table} referencing old table as old_rows
          for each statement execute function note_chain_changes()`).execute(db);
      }
    },
  };
}
