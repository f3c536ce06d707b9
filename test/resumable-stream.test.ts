// A client that keeps disconnecting and resuming ticketEvents(after:) from the last cursor
// it received gets every event it may see exactly once, in cursor order, while 16 writers
// commit concurrently. On PostgreSQL the writers use two instances sharing the database and
// Redis, and the client resumes on the other instance each time (as behind a load
// balancer); PGlite has one connection, so there one instance takes all 16 writers.
import net from "node:net";
import { decodeGlobalID } from "@pothos/plugin-relay";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdjustableClock } from "../src/clock.js";
import { inTransaction } from "../src/db/transaction.js";
import { recordEvent } from "../src/resolvers/audit.js";
import { type App, createApp } from "../src/server.js";
import { freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { wsClient } from "./helpers/live.js";
import { CREATE, seedTeam, seedUser, type TestUser, ticketInput } from "./helpers/seed.js";

const POSTGRES = Boolean(process.env.DATABASE_URL);
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisUp(): Promise<boolean> {
  const redis = new URL(REDIS);
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(redis.port || 6379), redis.hostname, () => (socket.end(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}

const WRITERS = 16;
/**
 * Each writer commits this many transactions of one to three events (about 1,600 events
 * on PostgreSQL). PGlite's one connection serves the writers before the readers, so there
 * the consumers do most of their reading after the writes; fewer events keep it short.
 */
const WRITES_PER_WRITER = POSTGRES ? 50 : 15;
/** The consumer drops its connection and resumes after this many events. */
const RECONNECT_EVERY = 100;

const EVENTS = `subscription($after: String) { ticketEvents(after: $after) { cursor } }`;
const TRAIL = `query($id: ID!, $after: String) {
  ticket(id: $id) { events(first: 100, after: $after) { edges { node { cursor } } pageInfo { hasNextPage endCursor } } }
}`;

interface Instance {
  app: App;
  port: number;
}

describe("a resumable event stream", () => {
  const instances: Instance[] = [];
  let drop = async () => {};
  let teamA: { id: string; gid: string };
  let teamB: { id: string; gid: string };
  let agentA: TestUser;
  let agentB: TestUser;
  let manager: TestUser;

  const gql = async (instance: Instance, query: string, variables: Record<string, unknown>, token: string) => {
    const response = await instance.app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  beforeAll(async () => {
    const fresh = await freshDatabase();
    drop = fresh.drop;
    const redis = POSTGRES && (await redisUp());
    if (POSTGRES && !redis && process.env.CI) throw new Error(`The resumable-stream test on PostgreSQL needs Redis (${REDIS})`);
    if (POSTGRES && !redis) console.warn(`Redis at ${REDIS} is not reachable: one instance instead of two`);
    const config = testConfig({
      database: fresh.database,
      ...(redis ? { redisUrl: REDIS, redisChannelPrefix: `caseflow-test-${Math.random().toString(36).slice(2)}:` } : {}),
    });
    const clock = new AdjustableClock();
    for (let i = 0; i < (redis ? 2 : 1); i++) {
      const app = await createApp(config, { clock, logger: pino({ level: "silent" }) });
      const { port } = await app.start(0);
      instances.push({ app, port });
    }
    const seeding = instances[0]!.app as unknown as TestApp;
    teamA = await seedTeam(seeding, "CS-Payment");
    teamB = await seedTeam(seeding, "CS-Risk-Collaboration");
    agentA = await seedUser(seeding, "AGENT", [teamA.id]);
    agentB = await seedUser(seeding, "AGENT", [teamB.id]);
    manager = await seedUser(seeding, "MANAGER");
  }, 300_000);

  afterAll(async () => {
    for (const { app } of instances) await app.stop().catch(() => {});
    await drop();
  });

  /** Every cursor `token` may see on these cases, from the cases' own audit trails, in order. */
  const visibleCursors = async (token: string, ticketIds: string[]) => {
    const cursors: bigint[] = [];
    for (const id of ticketIds) {
      for (let after: string | null = null; ; ) {
        const data: any = await gql(instances[0]!, TRAIL, { id, after }, token);
        if (!data.ticket) break;
        cursors.push(...data.ticket.events.edges.map((edge: any) => BigInt(edge.node.cursor)));
        if (!data.ticket.events.pageInfo.hasNextPage) break;
        after = data.ticket.events.pageInfo.endCursor;
      }
    }
    return cursors.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  };

  /**
   * Subscribes from cursor `from`, takes RECONNECT_EVERY events, disconnects and resumes from
   * the last cursor it received, on the next instance, until it has the cursor `until` names.
   */
  const consumer = (token: string, from: string) => {
    const received: string[] = [];
    let target: string | null = null;
    let reconnects = 0;
    let stopped = false;
    /** Ends the current subscription; `true` when the target has arrived. */
    let endRound: (reachedTarget: boolean) => void = () => {};
    const finished = (async () => {
      for (let round = 0; ; round++) {
        const instance = instances[round % instances.length]!;
        const client = wsClient(instance.port, token);
        const after = received.at(-1) ?? from;
        try {
          const reachedTarget = await new Promise<boolean>((resolve, reject) => {
            let taken = 0;
            let unsubscribe = () => {};
            let active = true;
            // Only this round's own callbacks and `until` end it; a late callback of an earlier
            // round's subscription must not.
            const end = (reached: boolean) => {
              if (!active) return;
              // Whatever is still on its way for this subscription was not received.
              active = false;
              unsubscribe();
              resolve(reached);
            };
            endRound = end;
            unsubscribe = client.subscribe<{ ticketEvents: { cursor: string } }>(
              { query: EVENTS, variables: { after } },
              {
                next: (value) => {
                  if (!active) return;
                  if (value.errors) return reject(new Error(JSON.stringify(value.errors)));
                  received.push(value.data!.ticketEvents.cursor);
                  if (target !== null && received.includes(target)) end(true);
                  else if (++taken >= RECONNECT_EVERY) end(false);
                },
                error: (error) => active && reject(error),
                complete: () => end(false),
              },
            );
          });
          if (reachedTarget || stopped) return;
        } finally {
          endRound = () => {};
          await client.dispose();
        }
        reconnects++;
      }
    })();
    return {
      received,
      get reconnects() {
        return reconnects;
      },
      /** Ends it wherever it is (the test is over). */
      stop: () => {
        stopped = true;
        endRound(false);
        return finished.catch(() => {});
      },
      /** Resolves once `cursor` has arrived (the last event this consumer may see). */
      until: (cursor: string) => {
        target = cursor;
        if (received.includes(cursor)) endRound(true);
        return finished;
      },
    };
  };

  it("reads from the table an event whose live message never came, before the next one", async () => {
    const [writer, reader] = [instances[0]!, instances.at(-1)!];
    const created = await gql(writer, CREATE, { input: ticketInput({ teamId: teamA.gid }) }, agentA.token);
    const ticketId = decodeGlobalID(created.createTicket.ticket.id as string).id;
    const published = (note: string) =>
      inTransaction({ prisma: writer.app.db.prisma, realtime: writer.app.realtime }, (tx) =>
        recordEvent(tx, null, ticketId, new Date(), { type: "COMMENTED", note }),
      );
    // Resumed from the newest cursor, so the stream has "first" whenever it starts; once
    // "first" arrives, the stream is live.
    const [from] = (await visibleCursors(agentA.token, [created.createTicket.ticket.id])).slice(-1);
    const client = wsClient(reader.port, agentA.token);
    const received: { cursor: string; note: string | null }[] = [];
    const waiters: (() => void)[] = [];
    const arrived = (note: string) =>
      new Promise<void>((resolve) => {
        const check = () => (received.some((event) => event.note === note) ? resolve() : waiters.push(check));
        check();
      });
    try {
      client.subscribe<{ ticketEvents: { cursor: string; note: string | null } }>(
        {
          query: `subscription($filter: TicketEventFilter, $after: String) { ticketEvents(filter: $filter, after: $after) { cursor note } }`,
          variables: { filter: { ticketId: created.createTicket.ticket.id }, after: from },
        },
        {
          next: (value) => {
            received.push(value.data!.ticketEvents);
            for (const wake of waiters.splice(0)) wake();
          },
          error: () => {},
          complete: () => {},
        },
      );
      await published("first");
      await arrived("first");
      // Committed but never published, as when its instance's message is lost.
      await writer.app.db.prisma.$executeRaw`
        INSERT INTO "TicketEvent" ("ticketId", "type", "actorKind", "note", "at") VALUES (${ticketId}::uuid, 'COMMENTED', 'SYSTEM', 'unpublished', now())`;
      await published("last");
      // Whatever the stream has read from the table comes before "last".
      await arrived("last");
      expect(received.map((event) => event.note)).toEqual(["first", "unpublished", "last"]);
      expect(received.map((event) => BigInt(event.cursor))).toEqual(
        received.map((event) => BigInt(event.cursor)).sort((a, b) => (a < b ? -1 : 1)),
      );
    } finally {
      await client.dispose();
    }
  });

  it("gives a client that resumes every 100 events each event it may see exactly once, in order, under 16 concurrent writers", async () => {
    // Earlier tests' events are not this one's.
    const { _max } = await instances[0]!.app.db.prisma.ticketEvent.aggregate({ _max: { position: true } });
    const from = String(_max.position ?? 0n);
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, async (_, i) => {
        const [agent, team] = i % 2 === 0 ? [agentA, teamA] : [agentB, teamB];
        const instance = instances[i % instances.length]!;
        const created = await gql(instance, CREATE, { input: ticketInput({ teamId: team.gid }) }, agent.token);
        const ticketId = created.createTicket.ticket.id as string;
        return { instance, ticketId, uuid: decodeGlobalID(ticketId).id };
      }),
    );
    // One consumer sees every case, the other only team A's (half the positions are not its to see).
    const all = consumer(manager.token, from);
    const mine = consumer(agentA.token, from);
    try {
      // Writes go straight to the audit trail through the app's own transaction and outbox,
      // so thousands of commits fit in seconds; several events share some commits.
      await Promise.all(
        writers.map(async ({ instance, uuid }, w) => {
          for (let n = 0; n < WRITES_PER_WRITER; n++) {
            await inTransaction({ prisma: instance.app.db.prisma, realtime: instance.app.realtime }, async (tx) => {
              for (let e = 0; e <= n % 3; e++) {
                await recordEvent(tx, null, uuid, new Date(), { type: "COMMENTED", note: `writer ${w} write ${n} event ${e}` });
              }
            });
          }
        }),
      );
      const ticketIds = writers.map((writer) => writer.ticketId);
      for (const [feed, token] of [
        [all, manager.token],
        [mine, agentA.token],
      ] as const) {
        const expected = await visibleCursors(token, ticketIds);
        expect(expected.length).toBeGreaterThan(WRITERS * WRITES_PER_WRITER * (feed === all ? 1.9 : 0.9));
        // The last event it may see is at the end of its stream, whatever came before.
        await feed.until(expected.at(-1)!);
        const got = new Set(feed.received);
        const missed = expected.filter((cursor) => !got.has(cursor));
        const duplicated = feed.received.length - got.size;
        expect({ missed: missed.length, duplicated }).toEqual({ missed: 0, duplicated: 0 });
        expect(feed.received).toEqual(expected);
        expect(feed.reconnects).toBeGreaterThanOrEqual(Math.floor(expected.length / RECONNECT_EVERY) - 1);
      }
    } finally {
      await Promise.all([all.stop(), mine.stop()]);
    }
  }, 300_000);
});
