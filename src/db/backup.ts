// Backup and restore of the embedded database: the whole PGlite data folder as one
// gzipped tarball (PGlite's own dumpDataDir/loadDataDir), taken under the folder's lock
// so that it never copies a folder a running server is writing. PostgreSQL deployments
// use pg_dump / pg_restore instead (README, "Backups").
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { lockDataFolder } from "./data-folder.js";
import { openPGlite } from "./pglite.js";

export class BackupError extends Error {
  override name = "BackupError";
}

/** Writes the folder's database to `file`; returns the number of cases in it. */
export async function backupDataFolder(folder: string, file: string): Promise<{ bytes: number; tickets: number }> {
  if (!existsSync(path.join(folder, "PG_VERSION"))) throw new BackupError(`${folder} holds no caseflow database`);
  const unlock = await lockDataFolder(folder);
  try {
    const pglite = await openPGlite({ dataDir: folder });
    try {
      const tickets = await countTickets(pglite);
      const dump = Buffer.from(await (await pglite.dumpDataDir("gzip")).arrayBuffer());
      // Written beside the target and renamed, so a failed backup never leaves half a file
      // under the name an operator will later restore from.
      const partial = `${file}.partial`;
      await writeFile(partial, dump);
      await rename(partial, file);
      return { bytes: dump.length, tickets };
    } finally {
      await pglite.close();
    }
  } finally {
    await unlock();
  }
}

/** Creates the folder's database from `file`; refuses a folder that already holds one. */
export async function restoreDataFolder(file: string, folder: string): Promise<{ tickets: number }> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (existsSync(path.join(folder, "PG_VERSION"))) {
    throw new BackupError(`${folder} already holds a database; move it away first (a restore never overwrites data)`);
  }
  await mkdir(folder, { recursive: true });
  const unlock = await lockDataFolder(folder);
  try {
    const pglite = await openPGlite({ dataDir: folder, loadDataDir: new Blob([await readFile(file)]) });
    try {
      return { tickets: await countTickets(pglite) };
    } finally {
      await pglite.close();
    }
  } finally {
    await unlock();
  }
}

async function countTickets(pglite: PGlite): Promise<number> {
  const { rows } = await pglite.query<{ count: number }>(`SELECT count(*)::int AS count FROM "Ticket"`);
  return rows[0]?.count ?? 0;
}
