// When the database cannot take a write (a full disk, read-only files, an I/O error) or cannot be
// reached (PostgreSQL down): the cause in words, a readiness state that stays "unavailable" until a
// write succeeds again, and the SQLite details that would otherwise hide the cause.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

const causes: [RegExp, string][] = [
  [/^SQLITE_FULL/, 'cannot be written: disk full'],
  [/^SQLITE_READONLY/, 'cannot be written: its files are read-only'],
  [/^SQLITE_IOERR/, 'cannot be written: an I/O error'],
  [/^SQLITE_CANTOPEN/, 'cannot be written: its files cannot be opened'],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'cannot be used: its file is damaged'],
  // PostgreSQL SQLSTATEs, and the socket errors of a server that is not there.
  [/^53100$/, 'cannot be written: disk full'],
  [/^53200$/, 'cannot be used: out of memory'],
  [/^53300$/, 'cannot be reached: too many connections'],
  [/^25006$/, 'cannot be written: it is read-only'],
  [/^(08...|57P0[1-3])$/, 'cannot be reached: the connection was lost'],
  [/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/, 'cannot be reached: it does not answer'],
];

/** `cannot be written: disk full`, …: what the database cannot do and why, or undefined for any other error. */
export function storageFailureCause(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  for (const [pattern, cause] of causes) if (pattern.test(code)) return cause;
  return undefined;
}

/**
 * Readiness after a storage failure: unavailable, with its cause, until a write succeeds again.
 * The probe writes (and removes) a row large enough to need fresh pages.
 */
export class StorageHealth {
  private failedWith: string | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  get failure(): string | undefined {
    return this.failedWith;
  }

  fail(cause: string): void {
    this.failedWith = cause;
  }

  /** Whether a write goes through now; clears the failure when it does. */
  async probeWrite(): Promise<boolean> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('rate_window_hits').values({ key: `storage-probe:${'x'.repeat(64 * 1024)}`, at_ms: 0 }).execute();
        await trx.deleteFrom('rate_window_hits').where('key', 'like', 'storage-probe:%').execute();
      });
      this.failedWith = undefined;
      return true;
    } catch (error) {
      const cause = storageFailureCause(error);
      this.failedWith = cause ? `the database ${cause}` : this.failedWith ?? 'the database cannot be written';
      return false;
    }
  }
}

export class DatabaseFileError extends Error {}

/** Refuses, in one line, to start on an SQLite file (or its -wal, -shm, folder) this process cannot write. */
export function checkWritableSqliteFile(filename: string): void {
  const unwritable = [dirname(filename), filename, `${filename}-wal`, `${filename}-shm`].find((path) => {
    if (!existsSync(path)) return false;
    try {
      accessSync(path, constants.W_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (unwritable) {
    throw new DatabaseFileError(`the database cannot be written: ${unwritable} is read-only for this process (user ${process.getuid?.() ?? '?'}); fix its owner or mode`);
  }
}

/** Creates the folder, checks the files can be written, and takes the one-process lock when asked; returns its release. */
export function prepareSqliteFile(filename: string, exclusive: boolean): () => void {
  try {
    mkdirSync(dirname(filename), { recursive: true });
  } catch (error) {
    throw new DatabaseFileError(`the database cannot be written: its folder ${dirname(filename)} cannot be created (${(error as NodeJS.ErrnoException).code})`);
  }
  checkWritableSqliteFile(filename);
  return exclusive ? lockSqliteFile(filename) : () => {};
}

/**
 * One process per SQLite file: a lock file beside the database holds the owner's process id. A lock
 * left by a process that no longer runs (killed, crashed) is taken over.
 */
export function lockSqliteFile(filename: string): () => void {
  const lockPath = `${filename}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch { /* already gone */ }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new DatabaseFileError(`the database cannot be written: ${lockPath} cannot be created (${(error as NodeJS.ErrnoException).code})`);
    }
    const owner = Number(readFileSync(lockPath, 'utf8'));
    if (owner === process.pid) return () => {};
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new DatabaseFileError(`the database ${filename} is in use by process ${owner}: SQLite serves one process per file (stop it, or use PostgreSQL for several instances)`);
    }
    unlinkSync(lockPath);
  }
  throw new DatabaseFileError(`the database ${filename} is being locked by another process at the same moment; try again`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed a moment ago stays a zombie until its parent reaps it: it holds no file.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
