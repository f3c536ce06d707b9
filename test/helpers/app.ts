// Builds a real app for a test file: its own database (in-memory PGlite, or a fresh
// PostgreSQL database when DATABASE_URL is set), copied from the run's prepared one, a
// movable clock, and helpers to send GraphQL through yoga.fetch exactly as HTTP clients do.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import pino from "pino";
import { inject } from "vitest";
import { AdjustableClock } from "../../src/clock.js";
import { type Config, loadConfig } from "../../src/config.js";
import { type App, type AppOptions, createApp } from "../../src/server.js";
import { databaseUrl, TEST_DATABASE_PREFIX, withClient } from "./databases.js";
import { reportLiveStreams } from "./live.js";

export interface GqlOptions {
  token?: string;
  headers?: Record<string, string>;
  /** The client address the server sees (as for a real socket); "unknown" when absent. */
  address?: string;
}

export interface TestApp extends App {
  clock: AdjustableClock;
  /** SQL statements sent since the counter was last reset. */
  queries: string[];
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: GqlOptions,
  ): Promise<{ status: number; data: T; errors?: { message: string; extensions?: Record<string, any> }[] }>;
  close(): Promise<void>;
}

/**
 * A database of its own for one test file; dropped again by `drop`. By default a copy of
 * the run's migrated and seeded database (test/global-setup.ts), so createApp's startup
 * finds nothing to migrate or seed; `{ prepared: false }` gives an empty one instead.
 */
/** Enough for a test's few hundred rows; PGlite's 128MB default costs half a second of CPU per database opened. */
const TEST_SHARED_BUFFERS = "8MB";

export async function freshDatabase({ prepared = true } = {}): Promise<{ database: Config["database"]; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const dump = prepared ? inject("pgliteDump") : null;
    return {
      database: { kind: "pglite", dataDir: "memory://", sharedBuffers: TEST_SHARED_BUFFERS, ...(dump ? { loadDataDir: dump } : {}) },
      drop: async () => {},
    };
  }
  const run = prepared ? inject("postgres") : null;
  const name = `${run?.prefix ?? TEST_DATABASE_PREFIX}${randomBytes(6).toString("hex")}`;
  await withClient(base, (client) => client.query(`CREATE DATABASE ${name}${run ? ` TEMPLATE ${run.template}` : ""}`));
  return {
    database: { kind: "postgres", url: databaseUrl(base, name), poolSize: 10 },
    drop: () => withClient(base, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    // Tests send far more than a person would; the limits have their own tests.
    ...loadConfig({
      LOG_LEVEL: "silent",
      CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1000000",
      // Report tests fold when they choose (foldReports); a report is exact folded or not,
      // and a fold a second in every test app would cost the suite CPU for nothing.
      REPORT_FOLD_INTERVAL_MS: "0",
    }),
    ...overrides,
  };
}

/**
 * Settings for a test that counts the SQL statements of a request: no SLA scan, outbox scan
 * or report fold runs in the background, so every statement in `app.queries` is the request's own.
 */
export function withoutBackgroundScans(overrides: Partial<Config> = {}): Partial<Config> {
  return { slaMonitor: false, reportFoldIntervalMs: 0, webhooks: { ...testConfig().webhooks, dispatcher: false }, ...overrides };
}

/** What the HTTP server hands yoga for a request from `address`. */
const peer = (address: string) => ({ req: { socket: { remoteAddress: address }, headers: {} } as unknown as IncomingMessage });

export async function createTestApp(overrides: Partial<Config> = {}, options: Pick<AppOptions, "logger"> = {}): Promise<TestApp> {
  const { database, drop } = await freshDatabase();
  const clock = new AdjustableClock();
  const queries: string[] = [];
  const app = await createApp(testConfig({ database, ...overrides }), {
    clock,
    logger: options.logger ?? pino({ level: "silent" }),
    onQuery: (sql) => queries.push(sql),
  });
  reportLiveStreams(app.services.credentialWatch);
  return Object.assign(app, {
    clock,
    queries,
    async gql(query: string, variables?: Record<string, unknown>, options: GqlOptions = {}) {
      const response = await app.yoga.fetch(
        "http://caseflow.test/graphql",
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json",
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...options.headers,
          },
          body: JSON.stringify({ query, variables }),
        },
        ...(options.address ? [peer(options.address)] : []),
      );
      const body = (await response.json()) as { data: any; errors?: any[] };
      return { status: response.status, data: body.data, errors: body.errors };
    },
    async close() {
      await app.stop();
      await drop();
    },
  });
}
