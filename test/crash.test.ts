// Crash safety: a server under write load is killed with SIGKILL, restarted on the same
// database, and must have kept every write it acknowledged, whole, with no duplicate or
// skipped case number; SLA breaches that fell due while it was down fire once after.
// Runs on the database of the run: embedded PGlite, or PostgreSQL with DATABASE_URL.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../src/db.js";
import { freshDatabase } from "./helpers/app.js";
import { gqlAt, preparedDataDir, type Running, startServer } from "./helpers/process.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const ADMIN = { email: "admin@example.com", password: "correct horse battery" };
/** How long the outage lasts, as far as the SLA clocks can tell. */
const OUTAGE_SECONDS = 4;

describe("SIGKILL under load", () => {
  it("loses no acknowledged write, leaves no case without its audit trail, repeats no number, and fires missed SLA breaches once", async () => {
    const dataDir = await preparedDataDir("caseflow-crash-");
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { database, drop } = await freshDatabase();
    cleanups.push(drop);
    const env = {
      DATA_DIR: dataDir,
      ...(database.kind === "postgres" ? { DATABASE_URL: database.url } : {}),
      CASEFLOW_ADMIN_EMAIL: ADMIN.email,
      CASEFLOW_ADMIN_PASSWORD: ADMIN.password,
      CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      SLA_MONITOR_INTERVAL_MS: "100",
      RATE_LIMIT_PER_MINUTE: "1000000",
      LOG_LEVEL: "info",
    };

    let server: Running = await startServer(env);
    const login = await gqlAt(server.url, `mutation($i: LoginInput!) { login(input: $i) { ... on LoginPayload { token } } }`, { i: ADMIN });
    const token: string = login.data.login.token;
    const team = await gqlAt(
      server.url,
      `mutation { createTeam(input: { name: "Crash-Desk" }) { ... on TeamPayload { team { id } } } }`,
      {},
      token,
    );
    const teamId: string = team.data.createTeam.team.id;
    // First response due 3 s after a case reaches NOT_STARTED: many fall due while the server is down.
    const policy = await gqlAt(
      server.url,
      `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename } }`,
      {
        i: { name: "Crash LOW", priority: "LOW", teamId, firstResponseSeconds: 3, resolutionSeconds: 3600, followUpSeconds: 3600 },
      },
      token,
    );
    expect(policy.data.upsertSlaPolicy.__typename).toBe("SlaPolicyPayload");

    let underLoad!: () => void;
    const loaded = new Promise<void>((resolve) => (underLoad = resolve));
    const created: string[] = [];
    const moved = new Set<string>();
    let running = true;
    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        try {
          const result = await gqlAt(
            server.url,
            `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { id number } } } }`,
            {
              i: {
                title: `ACC-${n}-${i} crash test`,
                accountId: `ACC-${n}-${i}`,
                externalRef: "INT-1",
                channel: "WEB",
                type: "INQUIRY",
                priority: "LOW",
                teamId,
                description: "d",
                details: "d",
              },
            },
            token,
          );
          const ticket = result.data?.createTicket?.ticket;
          if (!ticket) continue;
          created.push(ticket.number);
          const move = await gqlAt(
            server.url,
            `mutation($i: TransitionTicketInput!) { transitionTicket(input: $i) { __typename } }`,
            { i: { id: ticket.id, to: "NOT_STARTED" } },
            token,
          );
          if (move.data?.transitionTicket?.__typename === "TransitionTicketPayload") moved.add(ticket.number);
          if (created.length >= 20 && moved.size >= 10) underLoad();
        } catch {
          return; // the server is gone: nothing after this was acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    // Killed once enough writes were acknowledged (however long that takes on this machine),
    // with eight more in flight.
    await loaded;
    server.child.kill("SIGKILL");
    await server.exited;
    const killedAt = new Date();
    running = false;
    await Promise.all(workers);
    expect(created.length).toBeGreaterThanOrEqual(20);

    // The outage, without waiting for it: the child process has no test clock, so while it
    // is down every running SLA clock is moved back by the outage's length, as if that
    // much real time had passed with no instance up. Every acknowledged case's first
    // response (3 s) then fell due during the outage; the 1 h targets did not.
    const serverDatabase = env.DATABASE_URL ? database : { kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") };
    const db = await createDb(serverDatabase);
    try {
      const shift = `interval '${OUTAGE_SECONDS} seconds'`;
      await db.prisma.$executeRawUnsafe(
        `UPDATE "SlaTarget" SET "startedAt" = "startedAt" - ${shift}, "dueAt" = "dueAt" - ${shift},
           "warnAt" = "warnAt" - ${shift}, "nextCheckAt" = "nextCheckAt" - ${shift}
         WHERE "metAt" IS NULL AND "breachedAt" IS NULL AND "pausedAt" IS NULL`,
      );
      const dueAfterTheKill = await db.prisma.$queryRawUnsafe<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM "SlaTarget"
         WHERE kind = 'FIRST_RESPONSE' AND "metAt" IS NULL AND "breachedAt" IS NULL AND "dueAt" >= $1`,
        killedAt,
      );
      expect(dueAfterTheKill[0]!.count).toBe(0);
    } finally {
      await db.close();
    }
    server = await startServer(env);

    type Case = { number: string; status: string; events: string[]; breaches: number; sla: { kind: string; state: string }[] };
    const readAll = async (): Promise<Case[]> => {
      const all: Case[] = [];
      for (let after: string | null = null; ; ) {
        const page: any = await gqlAt(
          server.url,
          `query($after: String) { tickets(first: 100, after: $after, filter: { channel: [WEB] }) {
        pageInfo { hasNextPage endCursor }
        edges { node { number status events(first: 50) { edges { node { type } } } sla { targets { kind state } } } } } }`,
          { after },
          token,
        );
        if (!page.data?.tickets) throw new Error(JSON.stringify(page));
        for (const { node } of page.data.tickets.edges) {
          const events = node.events.edges.map((e: any) => e.node.type);
          all.push({
            number: node.number,
            status: node.status,
            events,
            breaches: events.filter((t: string) => t === "SLA_BREACHED").length,
            sla: node.sla.targets,
          });
        }
        if (!page.data.tickets.pageInfo.hasNextPage) break;
        after = page.data.tickets.pageInfo.endCursor;
      }
      return all;
    };
    // The restarted monitor fires what fell due during the outage. The cases are read again
    // each time it logs that it fired alerts, until every waiting case has its SLA_BREACHED
    // event. (The target's state reads BREACHED as soon as it is past due, before the
    // monitor fires, so the events are what is waited for.) Lines are counted before each
    // read, so a line logged during a read is not missed.
    const firedLines = () => server.logs.join("").split("SLA alerts fired").length - 1;
    const breachedAll = (cases: Case[]) => cases.filter((t) => t.status === "NOT_STARTED").every((t) => t.breaches >= 1);
    let seen = firedLines();
    let all = await readAll();
    while (!breachedAll(all)) {
      while (firedLines() === seen) await once(server.child.stdout!, "data");
      seen = firedLines();
      all = await readAll();
    }
    const byNumber = new Map(all.map((t) => [t.number, t]));

    // Every acknowledged creation and move is there.
    expect(created.filter((n) => !byNumber.has(n))).toEqual([]);
    expect([...moved].filter((n) => byNumber.get(n)!.status !== "NOT_STARTED")).toEqual([]);
    // No case without its audit trail: each has its CREATED event, and a move its STATUS_CHANGED.
    expect(all.filter((t) => !t.events.includes("CREATED")).map((t) => t.number)).toEqual([]);
    expect(all.filter((t) => t.status === "NOT_STARTED" && !t.events.includes("STATUS_CHANGED")).map((t) => t.number)).toEqual([]);
    // Numbers: unique and gap-free per day (an interrupted creation rolled its number back too).
    const sequences = new Map<string, number[]>();
    for (const t of all) {
      const [, day, seq] = /^WEB-(\d{8})-(\d+)$/.exec(t.number)!;
      sequences.set(day!, [...(sequences.get(day!) ?? []), Number(seq)]);
    }
    for (const seqs of sequences.values()) {
      const sorted = [...seqs].sort((a, b) => a - b);
      expect(sorted).toEqual(sorted.map((_, i) => i + 1));
    }
    // Breaches due during the outage fired after the restart, once each.
    const waiting = all.filter((t) => t.status === "NOT_STARTED");
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.filter((t) => t.breaches !== 1).map((t) => `${t.number}: ${t.breaches}`)).toEqual([]);
    expect(waiting.every((t) => t.sla.find((s) => s.kind === "FIRST_RESPONSE")?.state === "BREACHED")).toBe(true);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 300_000);
});
