// Builds one migrated and seeded database per run; every test file then starts from a
// copy of it in well under a second instead of migrating and seeding its own (12-18 s).
// - PGlite: migrate and seed in memory, dump the data folder to a tarball; each file
//   opens PGlite from that tarball (DatabaseConfig.loadDataDir).
// - PostgreSQL (DATABASE_URL set): migrate and seed a template database; each file
//   runs CREATE DATABASE … TEMPLATE, which copies files instead of replaying SQL.
// Every database a run creates is named caseflow_t_<run>_…; teardown drops them all.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { TestProject } from "vitest/node";
import { applyMigrations } from "../src/db/migrator.js";
import { openPGlite } from "../src/db/pglite.js";
import { seedDefaults } from "../src/db/seed.js";
import { createDb } from "../src/db.js";
import { PrismaClient } from "../src/generated/prisma/client.js";
import { databaseUrl, TEST_DATABASE_PREFIX, withClient } from "./helpers/databases.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The tarball of the prepared PGlite database (also in runs with DATABASE_URL, for tests that use PGlite anyway). */
    pgliteDump: string;
    /** The prepared template database and the prefix of this run's databases (with DATABASE_URL). */
    postgres: { template: string; prefix: string } | null;
    /**
     * The prepared PGlite database as a data folder on disk, for tests that start the
     * server as a process on a DATA_DIR (they run on PGlite whatever DATABASE_URL says).
     */
    pgliteFolder: string;
    /** How tests start the server as a process (test/helpers/process.ts: serverCommand). */
    serverCommand: [string, ...string[]];
  }
}

/** The newest modification time of any file under `dir`. */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs);
  }
  return newest;
}

/**
 * The server as tests start it in a process: the compiled dist/main.js when it is newer
 * than everything in src/ (the rule `npm start` builds by, scripts/start.mjs), otherwise
 * src/main.ts under tsx. The same code either way; the compiled one starts with 1.3 s less
 * CPU (no TypeScript loader). Decided once, before any test runs: a test that builds
 * dist/ meanwhile (npm start on a stale checkout) must not be caught half-written.
 */
async function serverCommand(): Promise<[string, ...string[]]> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const compiled = path.join(root, "dist", "main.js");
  const built = await stat(compiled).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return built >= (await newestMtime(path.join(root, "src")))
    ? [process.execPath, compiled]
    : [process.execPath, "--import", "tsx", path.join(root, "src", "main.ts")];
}

/** migrate + seed as createApp does at startup, so its own check then finds nothing to do. */
async function preparePglite(): Promise<Blob> {
  // 1 MB WAL segments instead of 16: every file's database is unpacked from this dump,
  // and writing the one 16 MB segment into memory was a fifth of opening it (0.55 s of CPU
  // → 0.43 s). A storage setting of the test cluster only; nothing the app sees changes.
  const pglite = await openPGlite({ dataDir: "memory://", initDbStartParams: ["--wal-segsize=1"] });
  try {
    const adapter = new PrismaPGlite(pglite);
    await applyMigrations(adapter);
    const prisma = new PrismaClient({ adapter });
    await seedDefaults(prisma);
    await prisma.$disconnect();
    // Uncompressed: each file's database then skips unzipping 30 MB (0.1 s of CPU each,
    // more than reading the larger file from the page cache costs).
    return await pglite.dumpDataDir("none");
  } finally {
    await pglite.close();
  }
}

/** The prepared PGlite database as a tarball and as a data folder (opened from it once). */
async function writePglite(folder: string): Promise<{ dump: string; dataFolder: string }> {
  const tarball = await preparePglite();
  const dump = path.join(folder, "seeded.tar");
  await writeFile(dump, Buffer.from(await tarball.arrayBuffer()));
  const dataFolder = path.join(folder, "pglite");
  const opened = await openPGlite({ dataDir: dataFolder, loadDataDir: tarball });
  await opened.close();
  return { dump, dataFolder };
}

export default async function setup(project: TestProject) {
  const base = process.env.DATABASE_URL;
  const folder = await mkdtemp(path.join(os.tmpdir(), "caseflow-test-"));
  const removeFolder = () => rm(folder, { recursive: true, force: true });
  project.provide("serverCommand", await serverCommand());
  if (!base) {
    const { dump, dataFolder } = await writePglite(folder);
    project.provide("pgliteDump", dump);
    project.provide("pgliteFolder", dataFolder);
    project.provide("postgres", null);
    return removeFolder;
  }

  // The run's own prefix: teardown drops this run's databases, leaks included, and never
  // those of another run going on at the same time.
  const prefix = `${TEST_DATABASE_PREFIX}${randomBytes(4).toString("hex")}_`;
  const template = `${prefix}template`;
  await withClient(base, (client) => client.query(`CREATE DATABASE ${template}`));
  // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template, so
  // this pool is closed before the first file starts.
  const preparePostgres = async () => {
    const db = await createDb({ kind: "postgres", url: databaseUrl(base, template), poolSize: 2 });
    try {
      await db.migrate();
      await seedDefaults(db.prisma);
    } finally {
      await db.close();
    }
  };
  const [{ dump, dataFolder }] = await Promise.all([writePglite(folder), preparePostgres()]);
  project.provide("pgliteDump", dump);
  project.provide("pgliteFolder", dataFolder);
  project.provide("postgres", { template, prefix });
  return async () => {
    await removeFolder();
    await withClient(base, async (client) => {
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    });
  };
}
