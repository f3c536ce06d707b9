// TIMEOUT means not committed: under load, with a timeout short enough that some
// creates finish in time and others do not, no case whose create was answered TIMEOUT
// may exist once every write has settled.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdjustableClock } from "../src/clock.js";
import type { Config } from "../src/config.js";
import { Deadline } from "../src/context.js";
import { createDb } from "../src/db.js";
import { type App, createApp } from "../src/server.js";
import { freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { CREATE, seedTeam, seedUser, ticketInput } from "./helpers/seed.js";

/** Requests per round, and how many are under way at any moment. */
const REQUESTS = 120;
const CONCURRENCY = 40;

let database: Config["database"];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const fresh = await freshDatabase();
  if (fresh.database.kind === "pglite") {
    // On disk, so the cases can be counted after the app (and every write it had under way) has stopped.
    const dir = await mkdtemp(path.join(tmpdir(), "caseflow-timeout-"));
    // Started from the run's prepared database, like every other file's.
    database = { kind: "pglite", dataDir: dir, ...(fresh.database.loadDataDir ? { loadDataDir: fresh.database.loadDataDir } : {}) };
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    database = fresh.database;
    cleanup = fresh.drop;
  }
});
afterAll(() => cleanup());

async function boot(executionTimeoutMs: number): Promise<App> {
  const config = testConfig({ database, slaMonitor: false });
  return createApp(
    { ...config, limits: { ...config.limits, executionTimeoutMs } },
    { clock: new AdjustableClock(), logger: pino({ level: "silent" }) },
  );
}

async function create(app: App, token: string, externalRef: string) {
  const response = await app.yoga.fetch("http://caseflow.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CREATE, variables: { input: ticketInput({ externalRef }) } }),
  });
  return (await response.json()) as {
    data?: { createTicket?: { __typename: string } } | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

/** Sends `count` creates, `concurrency` at a time; returns each one's externalRef and answer. */
async function load(app: App, token: string, prefix: string, count: number, concurrency: number) {
  const answers: { ref: string; outcome: "CREATED" | "TIMEOUT" | string; ms: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const ref = `${prefix}-${next++}`;
        const started = performance.now();
        const body = await create(app, token, ref);
        const outcome =
          body.data?.createTicket?.__typename === "CreateTicketPayload"
            ? "CREATED"
            : (body.errors?.[0]?.extensions?.code ?? JSON.stringify(body));
        answers.push({ ref, outcome, ms: performance.now() - started });
      }
    }),
  );
  return answers;
}

describe("the execution timeout and commits", () => {
  it("never commits a write whose operation was answered TIMEOUT", { timeout: 180_000 }, async () => {
    // First, how long a create takes on this machine under this load, with no pressure of time.
    const calibrating = await boot(60_000);
    const team = await seedTeam(calibrating as TestApp);
    const agent = await seedUser(calibrating as TestApp, "AGENT", [team.id]);
    const warmup = await load(calibrating, agent.token, "warmup", CONCURRENCY * 2, CONCURRENCY);
    await calibrating.stop();
    expect(warmup.every((a) => a.outcome === "CREATED")).toBe(true);
    const latencies = warmup.map((a) => a.ms).sort((a, b) => a - b);

    // Near the typical latency some creates run into the timeout while writing, which is
    // where an answer and a commit could disagree. The machine's speed varies, so the
    // timeout moves down while nothing times out and up while nothing gets through.
    let timeoutMs = Math.max(10, Math.round(latencies[Math.floor(latencies.length / 2)]!));
    const answers: Awaited<ReturnType<typeof load>> = [];
    const rounds: string[] = [];
    for (let round = 0; round < 8; round++) {
      const app = await boot(timeoutMs);
      const these = await load(app, agent.token, `load${round}`, REQUESTS, CONCURRENCY);
      // Stopping closes the database only once every write under way has committed or rolled back.
      await app.stop();
      answers.push(...these);
      const timeouts = these.filter((a) => a.outcome === "TIMEOUT").length;
      rounds.push(`${timeoutMs} ms: ${timeouts} of ${these.length} TIMEOUT`);
      const sawBoth = answers.some((a) => a.outcome === "TIMEOUT") && answers.some((a) => a.outcome === "CREATED");
      if (sawBoth && round >= 1) break;
      timeoutMs = timeouts === 0 ? Math.max(5, Math.round(timeoutMs / 2)) : timeouts === these.length ? timeoutMs * 2 : timeoutMs;
    }

    const timedOut = answers.filter((a) => a.outcome === "TIMEOUT").map((a) => a.ref);
    const created = answers.filter((a) => a.outcome === "CREATED").map((a) => a.ref);
    expect(answers.filter((a) => a.outcome !== "TIMEOUT" && a.outcome !== "CREATED")).toEqual([]);
    // Both outcomes happened, or the count below would prove nothing.
    expect(timedOut.length, rounds.join("; ")).toBeGreaterThan(0);
    expect(created.length, rounds.join("; ")).toBeGreaterThan(0);

    const db = await createDb(database);
    try {
      const saved = new Set(
        (await db.prisma.ticket.findMany({ where: { externalRef: { startsWith: "load" } }, select: { externalRef: true } })).map(
          (t) => t.externalRef,
        ),
      );
      expect(
        timedOut.filter((ref) => saved.has(ref)),
        `of ${timedOut.length} answered TIMEOUT (${rounds.join("; ")})`,
      ).toEqual([]);
      expect(created.filter((ref) => !saved.has(ref))).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe("a deadline's choice between TIMEOUT and commit", () => {
  it("grants commits until it expires, and allows TIMEOUT only if none was granted", () => {
    const untouched = new Deadline(Date.now() + 60_000);
    expect(untouched.expire()).toBe(true);
    expect(untouched.claimCommit()).toBe(false);

    const committed = new Deadline(Date.now() + 60_000);
    expect(committed.claimCommit()).toBe(true);
    expect(committed.expire()).toBe(false);
    // A second mutation of the same operation reaching its commit now is refused.
    expect(committed.claimCommit()).toBe(false);

    const past = new Deadline(Date.now() - 1);
    expect(past.open).toBe(false);
    expect(past.claimCommit()).toBe(false);
    expect(past.expire()).toBe(true);
  });
});
