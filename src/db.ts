// Opens the database the config names: PGlite in a folder (embedded default) or
// PostgreSQL through a connection pool. Both speak the PostgreSQL dialect, so the
// schema, migrations and queries are the same.
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseConfig } from "./config.js";
import { lockDataFolder } from "./db/data-folder.js";
import { applyMigrations, upToDate } from "./db/migrator.js";
import { openPGlite } from "./db/pglite.js";
import { PrismaClient } from "./generated/prisma/client.js";

export type Prisma = PrismaClient;

export interface Db {
  prisma: PrismaClient;
  kind: DatabaseConfig["kind"];
  /** Where the data lives, for the start line: a folder or a URL without its password. */
  location: string;
  adapter: SqlMigrationAwareDriverAdapterFactory;
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** The PostgreSQL pool's connections by state; null for PGlite, which has one connection and no pool. */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export interface PoolStats {
  inUse: number;
  idle: number;
  waiting: number;
}

export interface DbOptions {
  /** Called with each SQL statement Prisma sends; tests count them. */
  onQuery?: (sql: string) => void;
}

function describeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "****";
  return parsed.toString();
}

export async function createDb(config: DatabaseConfig, options: DbOptions = {}): Promise<Db> {
  let adapter: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let location: string;
  let migrate: () => Promise<string[]>;
  let poolStats: () => PoolStats | null = () => null;
  if (config.kind === "pglite") {
    const inMemory = config.dataDir.startsWith("memory://");
    if (!inMemory) await mkdir(config.dataDir, { recursive: true });
    const unlock = inMemory ? async () => {} : await lockDataFolder(config.dataDir);
    // A dump only seeds a new database: an existing folder's data is never replaced.
    const startFrom =
      config.loadDataDir && (inMemory || !existsSync(path.join(config.dataDir, "PG_VERSION")))
        ? new Blob([await readFile(config.loadDataDir)])
        : undefined;
    const pglite = await openPGlite(
      { dataDir: config.dataDir, ...(startFrom ? { loadDataDir: startFrom } : {}) },
      config.sharedBuffers ? { shared_buffers: config.sharedBuffers } : {},
    ).catch(async (error) => {
      await unlock();
      throw error;
    });
    adapter = new PrismaPGlite(pglite);
    closeDriver = async () => {
      await pglite.close();
      await unlock();
    };
    location = config.dataDir;
    migrate = async () =>
      (await upToDate(async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows)) ? [] : applyMigrations(adapter);
  } else {
    // JIT compilation pays off for long analytic queries; caseflow's are short, and a
    // misestimated plan otherwise spends tens of milliseconds compiling per request.
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, options: "-c jit=off" });
    // An idle client's network error must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    adapter = new PrismaPg(pool);
    closeDriver = () => pool.end();
    poolStats = () => ({ inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount });
    location = describeUrl(config.url);
    // The schema engine holds a session-level advisory lock while it migrates, so that
    // instances starting together take turns. Lock and unlock must use one connection.
    migrate = async () => {
      if (await upToDate(async (sql) => (await pool.query(sql)).rows)) return [];
      const single = new pg.Pool({ connectionString: config.url, max: 1 });
      single.on("error", () => {});
      try {
        return await applyMigrations(new PrismaPg(single));
      } finally {
        await single.end();
      }
    };
  }

  const prisma = new PrismaClient({
    adapter,
    log: options.onQuery ? [{ emit: "event", level: "query" }] : [],
    transactionOptions: { maxWait: 10_000, timeout: 20_000 },
  });
  if (options.onQuery) {
    const onQuery = options.onQuery;
    prisma.$on("query" as never, (event: { query: string }) => onQuery(event.query));
  }

  return {
    prisma,
    kind: config.kind,
    location,
    adapter,
    migrate,
    ping: async () => {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    poolStats,
    close: async () => {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}
