// Runs Prisma's migrations without the native schema engine, which these machines
// cannot download: Prisma's own WebAssembly build of the engine talks to the database
// through the same driver adapter the app uses. It records `_prisma_migrations` exactly
// as `prisma migrate deploy` does, so the normal CLI can take over on the same folder.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine as SchemaEngineInstance } from "@prisma/schema-engine-wasm";

/** The folder holding prisma/, found by walking up so it works from src/ and from dist/. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "prisma", "schema.prisma"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find prisma/schema.prisma above ${import.meta.url}`);
    dir = parent;
  }
  return dir;
}

const projectRoot = findProjectRoot();
export const schemaPath = path.join(projectRoot, "prisma/schema.prisma");
export const migrationsDir = path.join(projectRoot, "prisma/migrations");

const noFilters = { externalTables: [], externalEnums: [] };

type SchemaEngineClass = {
  new: (options: { datamodels: [string, string][] }, log: (line: string) => void, adapter: object) => Promise<SchemaEngineInstance>;
};

let engineClass: Promise<SchemaEngineClass> | undefined;

// @types/node 20 does not declare the WebAssembly global that Node 20 has.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
  };
};

/**
 * Node 20 cannot `import` a .wasm file and the package exports neither the .wasm nor
 * its package.json, so the module is instantiated by hand from the entry's folder.
 */
function loadSchemaEngine(): Promise<SchemaEngineClass> {
  engineClass ??= (async () => {
    const entry = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm");
    const dir = path.dirname(entry);
    const glue = await import(pathToFileURL(path.join(dir, "schema_engine_bg.js")).href);
    const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine as SchemaEngineClass;
  })();
  return engineClass;
}

async function withEngine<T>(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngineInstance, schema: string) => Promise<T>,
): Promise<T> {
  const SchemaEngine = await loadSchemaEngine();
  const schema = await readFile(schemaPath, "utf8");
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter));
  try {
    return await work(engine, schema);
  } finally {
    engine.free();
  }
}

export async function readMigrations(dir = migrationsDir): Promise<MigrationList> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: lockPath, content: await readFile(lockPath, "utf8").catch(() => null) },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(path.join(dir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Reads rows from the database the migrations are for. */
export type RowReader = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Whether every migration in the folder is recorded as applied, unedited (same SHA-256
 * as `prisma migrate` stores) and none failed. Then starting needs no schema engine,
 * which costs a second or more to load; anything else goes to the engine, which also
 * explains what is wrong.
 */
export async function upToDate(read: RowReader, dir = migrationsDir): Promise<boolean> {
  const { migrationDirectories } = await readMigrations(dir);
  let rows: Record<string, unknown>[];
  try {
    rows = await read(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations`);
  } catch {
    return false; // no history table yet
  }
  const applied = new Map(
    rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [String(r.migration_name), String(r.checksum)]),
  );
  if (rows.some((r) => !r.finished_at && !r.rolled_back_at)) return false;
  return migrationDirectories.every((m) => {
    const content = m.migrationFile.content;
    return content.tag === "ok" && applied.get(m.path) === createHash("sha256").update(content.value).digest("hex");
  });
}

/** Applies every pending migration; returns the names it applied (none on a second run). */
export async function applyMigrations(adapter: SqlMigrationAwareDriverAdapterFactory, dir = migrationsDir): Promise<string[]> {
  const migrationsList = await readMigrations(dir);
  return withEngine(adapter, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList,
      filters: noFilters,
    });
    return appliedMigrationNames;
  });
}

/** What the history check reports: edited, failed or unapplied migrations. */
export async function diagnoseMigrations(adapter: SqlMigrationAwareDriverAdapterFactory, dir = migrationsDir) {
  const migrationsList = await readMigrations(dir);
  return withEngine(adapter, (engine) =>
    engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: noFilters,
    }),
  );
}

/**
 * The SQL that takes a database holding every committed migration to the schema file.
 * `adapter` must point at a scratch database: the migrations are applied to it first.
 * Returns an empty string when the schema and the migrations already agree.
 */
export async function diffSchemaAgainstMigrations(scratch: SqlMigrationAwareDriverAdapterFactory, dir = migrationsDir): Promise<string> {
  await applyMigrations(scratch, dir);
  return withEngine(scratch, async (engine, schema) => {
    const files = [{ path: schemaPath, content: schema }];
    const { stdout } = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: projectRoot },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    const sql = (stdout ?? "").trim();
    return sql === "-- This is an empty migration." ? "" : sql;
  });
}
