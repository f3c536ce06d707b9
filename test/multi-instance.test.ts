// Three instances behind an imaginary load balancer, sharing one PostgreSQL and one
// Redis: events reach subscribers on every instance, each SLA alert fires once in
// total, and stopping instances loses no alert. Needs PostgreSQL and Redis (CI has
// both); outside CI it is skipped with a notice when they are not running.
import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newBearerToken } from "../src/auth/secrets.js";
import { AdjustableClock } from "../src/clock.js";
import { type App, createApp } from "../src/server.js";
import { testConfig } from "./helpers/app.js";
import { TEST_DATABASE_PREFIX } from "./helpers/databases.js";
import { type Collector, reportLiveStreams, subscribeWs, wsClient } from "./helpers/live.js";
import { CREATE, gid, TRANSITION, ticketInput } from "./helpers/seed.js";

const POSTGRES = process.env.DATABASE_URL ?? process.env.CASEFLOW_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function reachable(): Promise<boolean> {
  const redis = new URL(REDIS);
  const redisUp = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(redis.port || 6379), redis.hostname, () => (socket.end(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
  const client = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 3000 });
  const pgUp = await client.connect().then(
    () => true,
    () => false,
  );
  await client.end().catch(() => {});
  return redisUp && pgUp;
}

const available = await reachable();
if (!available && process.env.CI) throw new Error(`The multi-instance test needs PostgreSQL (${POSTGRES}) and Redis (${REDIS})`);
if (!available) console.warn(`multi-instance test skipped: PostgreSQL at ${POSTGRES} or Redis at ${REDIS} is not reachable`);

describe.runIf(available)("several instances on PostgreSQL and Redis", () => {
  // Empty on purpose (instances migrate it together), so not a copy of the run's prepared one.
  const database = `${TEST_DATABASE_PREFIX}mi_${randomBytes(5).toString("hex")}`;
  const url = new URL(POSTGRES);
  url.pathname = `/${database}`;
  const config = testConfig({
    database: { kind: "postgres", url: url.toString(), poolSize: 5 },
    redisUrl: REDIS,
    redisChannelPrefix: `caseflow-test-${database}:`,
    slaMonitorIntervalMs: 100,
    shutdownGraceSeconds: 1,
  });
  const clock = new AdjustableClock();
  const instances: { app: App; port: number }[] = [];
  let token = "";
  let teamGid = "";

  const boot = async () => {
    const app = await createApp(config, { clock, logger: pino({ level: "silent" }) });
    reportLiveStreams(app.services.credentialWatch);
    const { port } = await app.start(0);
    const instance = { app, port };
    instances.push(instance);
    return instance;
  };
  const gql = async (instance: { app: App }, query: string, variables: Record<string, unknown>) => {
    const response = await instance.app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as any;
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    // Instances start together, as a deploy starts them: migrations take turns.
    await Promise.all([boot(), boot(), boot()]);
    const prisma = instances[0]!.app.db.prisma;
    const team = await prisma.team.create({ data: { name: "CS-Payment" } });
    teamGid = gid("Team", team.id);
    const user = await prisma.user.create({
      data: {
        email: "lead@example.com",
        name: "Lead",
        role: "SUPERVISOR",
        passwordHash: "x",
        memberships: { create: { teamId: team.id } },
      },
    });
    token = newBearerToken("session");
    await prisma.session.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) } });
    await prisma.slaPolicy.create({
      data: {
        name: "fast HIGH",
        priority: "HIGH",
        teamId: team.id,
        firstResponseSeconds: 2,
        resolutionSeconds: 3,
        followUpSeconds: 60,
        warningBeforeSeconds: 1,
      },
    });
  });

  afterAll(async () => {
    for (const { app } of instances) await app.stop().catch(() => {});
    const admin = new pg.Client({ connectionString: POSTGRES });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  const createAndSubmit = async (via: { app: App }) => {
    const created = await gql(via, CREATE, { input: ticketInput({ teamId: teamGid, priority: "HIGH" }) });
    const ticket = created.data.createTicket.ticket;
    const moved = await gql(via, TRANSITION, { input: { id: ticket.id, to: "NOT_STARTED" } });
    expect(moved.data.transitionTicket.__typename).toBe("TransitionTicketPayload");
    return ticket as { id: string; number: string };
  };

  it("delivers a change made on one instance to subscribers on the others", async () => {
    const [a, b, c] = instances as [(typeof instances)[0], (typeof instances)[0], (typeof instances)[0]];
    const clients = [wsClient(b.port, token), wsClient(c.port, token)];
    try {
      const feeds = await Promise.all(
        clients.map((client) => subscribeWs(client, `subscription { ticketEvents { type ticket { number } } }`)),
      );
      const ticket = await createAndSubmit(a);
      for (const feed of feeds) {
        const events = await feed.waitForMatching((e: any) => e.ticketEvents.ticket.number === ticket.number, 2);
        expect(events.map((e: any) => e.ticketEvents.type)).toEqual(["CREATED", "STATUS_CHANGED"]);
      }
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it("fires each SLA alert once in total and delivers it once to every subscriber, even when instances stop", async () => {
    const clients = instances.map(({ port }) => wsClient(port, token));
    const ALERTS = `subscription { slaAlerts { id kind target ticket { number } } }`;
    const of = (ticket: { number: string }) => (e: any) => e.slaAlerts.ticket.number === ticket.number;
    /**
     * Moves the shared clock a second at a time (first response: warning at 1 s, breach
     * at 2 s; resolution: warning at 2 s, breach at 3 s), waiting each time for the
     * alerts then due, so none is moot when its monitor finds it.
     */
    const fallDue = async (ticket: { number: string }, feeds: Collector[]) => {
      for (const [seconds, alerts] of [
        [1, 1],
        [1, 3],
        [1, 4],
      ] as const) {
        clock.advance(seconds);
        for (const feed of feeds) await feed.waitForMatching(of(ticket), alerts);
      }
    };
    try {
      const feeds: Collector[] = await Promise.all(clients.map((client) => subscribeWs(client, ALERTS)));
      const ticket = await createAndSubmit(instances[0]!);
      await fallDue(ticket, feeds);
      // Each alert was claimed once: one audit event each, whichever monitor fired it.
      const prisma = instances[0]!.app.db.prisma;
      const fired = await prisma.ticketEvent.count({
        where: { ticket: { number: ticket.number }, type: { in: ["SLA_WARNING", "SLA_BREACHED"] } },
      });
      expect(fired).toBe(4);
      // A later case's alerts are the sentinel: a copy of an earlier alert would have been
      // published before them, and every subscriber receives in publishing order.
      const probe = await createAndSubmit(instances[0]!);
      await fallDue(probe, feeds);
      for (const feed of feeds) {
        const ids = feed.received.filter(of(ticket)).map((e: any) => e.slaAlerts.id);
        expect(ids).toHaveLength(4);
        expect(new Set(ids).size).toBe(4);
      }

      // Two of three instances go away before the next case's alerts fall due.
      const next = await createAndSubmit(instances[1]!);
      await instances[0]!.app.stop();
      await instances[1]!.app.stop();
      await fallDue(next, [feeds[2]!]);
      const survivorPrisma = instances[2]!.app.db.prisma;
      expect(
        await survivorPrisma.ticketEvent.count({
          where: { ticket: { number: next.number }, type: { in: ["SLA_WARNING", "SLA_BREACHED"] } },
        }),
      ).toBe(4);
    } finally {
      await Promise.allSettled(clients.map((client) => client.dispose()));
    }
  });

  it("fires alerts that fell due while every instance was down once one comes back", async () => {
    const ticket = await createAndSubmit(instances[2]!);
    await instances[2]!.app.stop();
    // Everything is down while both targets fall due (3 s on the shared clock).
    clock.advance(4);
    const back = await boot();
    // Two scans from the instance that came back: the second starts after this line, so
    // whatever was due when it started has fired by the time it ends.
    await back.app.slaMonitor!.tick();
    await back.app.slaMonitor!.tick();
    const events = await back.app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number: ticket.number }, type: { in: ["SLA_WARNING", "SLA_BREACHED"] } },
    });
    // Both targets were past due: each breach fires once; the moot warnings are not sent late.
    expect(events.filter((e) => e.type === "SLA_BREACHED")).toHaveLength(2);
    expect(events.filter((e) => e.type === "SLA_WARNING")).toHaveLength(0);
  });
});
