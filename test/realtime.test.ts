// The live feed as dashboards use it: graphql-ws and SSE, permissions checked per event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeSse, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let url: string;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
let agentA: TestUser;
let agentB: TestUser;
let admin: TestUser;

const EVENTS = `subscription($filter: TicketEventFilter, $after: String) {
  ticketEvents(filter: $filter, after: $after) { cursor type fromStatus toStatus actor { kind name } ticket { number status team { name } } }
}`;

beforeAll(async () => {
  app = await createTestApp();
  ({ port, url } = await app.start(0));
  url = url.replace("localhost", "127.0.0.1");
  teamA = await seedTeam(app, "CS-Payment");
  teamB = await seedTeam(app, "CS-Risk-Collaboration");
  agentA = await seedUser(app, "AGENT", [teamA.id]);
  agentB = await seedUser(app, "AGENT", [teamB.id]);
  admin = await seedUser(app, "ADMIN");
});
afterAll(() => app.close());

describe("ticketEvents", () => {
  it("delivers changes as they commit, only of cases the subscriber may see", async () => {
    const clientA = wsClient(port, agentA.token);
    try {
      const feed = await subscribeWs(clientA, EVENTS);
      const mine = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      const theirs = await createTicketVia(app, agentB.token, { teamId: teamB.gid });
      await moveVia(app, agentB.token, { id: theirs.id, to: "NOT_STARTED" });
      await moveVia(app, agentA.token, { id: mine.id, to: "NOT_STARTED" });
      // Nothing of the other team's case came: the next case of A's team, a sentinel, is next.
      const sentinel = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      const received = await feed.waitFor(3);
      expect(feed.received.map((e: any) => e.ticketEvents.ticket.number)).toEqual([mine.number, mine.number, sentinel.number]);
      expect(received.slice(0, 2).map((e: any) => [e.ticketEvents.type, e.ticketEvents.toStatus])).toEqual([
        ["CREATED", "NEW"],
        ["STATUS_CHANGED", "NOT_STARTED"],
      ]);
      expect(received[1].ticketEvents).toMatchObject({
        fromStatus: "NEW",
        actor: { kind: "USER" },
        ticket: { status: "NOT_STARTED", team: { name: "CS-Payment" } },
      });
      feed.stop();
    } finally {
      await clientA.dispose();
    }
  });

  it("applies the filter on the server", async () => {
    const client = wsClient(port, admin.token);
    try {
      const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid, priority: "LOW" });
      const feed = await subscribeWs(client, EVENTS, { filter: { ticketId: ticket.id, statuses: ["TEAM_CHECKING"] } });
      await moveVia(app, agentA.token, { id: ticket.id, to: "NOT_STARTED" });
      await moveVia(app, agentA.token, { id: ticket.id, to: "TEAM_CHECKING" });
      await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      // A comment while the case is in TEAM_CHECKING passes the filter: a sentinel after the rest.
      await app.gql(
        `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }`,
        { i: { ticketId: ticket.id, body: "sentinel" } },
        { token: agentA.token },
      );
      await feed.waitFor(2);
      expect(feed.received.map((e: any) => [e.ticketEvents.type, e.ticketEvents.toStatus])).toEqual([
        ["STATUS_CHANGED", "TEAM_CHECKING"],
        ["COMMENTED", null],
      ]);
      feed.stop();
    } finally {
      await client.dispose();
    }
  });

  it("refuses a new subscription on an open socket once its credentials are revoked", async () => {
    const bot = await seedApiToken(app, ["tickets:read"]);
    const client = wsClient(port, bot.token);
    try {
      const first = await subscribeWs(client, EVENTS);
      await app.gql(
        `mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { __typename } }`,
        { i: { id: bot.gid } },
        { token: admin.token },
      );
      await first.completed;
      // The socket is still open; a new subscription on it must not run on the old credentials.
      const received: unknown[] = [];
      const refusal = await new Promise<unknown>((resolve) =>
        client.subscribe(
          { query: EVENTS },
          { next: (value) => received.push(value), error: resolve, complete: () => resolve("completed") },
        ),
      );
      expect(refusal).toEqual([
        expect.objectContaining({
          message: "The API token is invalid, expired or revoked",
          extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }),
        }),
      ]);
      // Refused with an error, the operation has no stream left to deliver anything on.
      await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      expect(received).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it("stops a token's stream the moment the token is revoked", async () => {
    const bot = await seedApiToken(app, ["tickets:read"]);
    const client = wsClient(port, bot.token);
    try {
      const feed = await subscribeWs(client, EVENTS);
      await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      await feed.waitFor(1);
      await app.gql(
        `mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { __typename } }`,
        { i: { id: bot.gid } },
        { token: admin.token },
      );
      await feed.completed;
      expect(JSON.stringify(feed.errors)).toMatch(/revoked/);
      // Ended with an error, the operation has no stream left to deliver anything on.
      const before = feed.received.length;
      await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      expect(feed.received.length).toBe(before);
    } finally {
      await client.dispose();
    }
  });

  it("streams over server-sent events on the same endpoint", async () => {
    const feed = await subscribeSse(url, agentA.token, EVENTS, { filter: { teamId: teamA.gid } });
    const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const [event] = await feed.waitFor(1);
    expect(event.ticketEvents).toMatchObject({ type: "CREATED", ticket: { number: ticket.number } });
    feed.stop();
  });

  it("replays what a reconnecting client missed, then goes live, with no gap or repeat at the seam", async () => {
    const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const trail = await app.gql(
      `query($id: ID!) { ticket(id: $id) { events { edges { node { cursor } } } } }`,
      { id: ticket.id },
      { token: agentA.token },
    );
    const cursor = trail.data.ticket.events.edges[0].node.cursor;
    // Missed while disconnected:
    await moveVia(app, agentA.token, { id: ticket.id, to: "NOT_STARTED" });
    await moveVia(app, agentA.token, { id: ticket.id, to: "TEAM_CHECKING" });
    const client = wsClient(port, agentA.token);
    try {
      // Changes keep coming while the client replays.
      const writing = (async () => {
        for (let i = 0; i < 5; i++) {
          await app.gql(
            `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }`,
            { i: { ticketId: ticket.id, body: `note ${i}` } },
            { token: agentA.token },
          );
        }
      })();
      const feed = await subscribeWs(client, EVENTS, { filter: { ticketId: ticket.id }, after: cursor });
      await writing;
      await moveVia(app, agentA.token, { id: ticket.id, to: "INFORM_CUSTOMER", note: "answer" });
      // A last comment is a sentinel: once it is in, a repeat of anything before would be too.
      await app.gql(
        `mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }`,
        { i: { ticketId: ticket.id, body: "sentinel" } },
        { token: agentA.token },
      );
      await feed.waitFor(9);
      const got = feed.received.map((e: any) => e.ticketEvents);
      const stored = await app.db.prisma.ticketEvent.findMany({
        where: {
          ticketId: (await app.db.prisma.ticket.findFirstOrThrow({ where: { number: ticket.number } })).id,
          position: { gt: BigInt(cursor) },
        },
        orderBy: { position: "asc" },
      });
      expect(got.map((e: any) => e.cursor)).toEqual(stored.map((e) => e.position!.toString()));
      expect(new Set(got.map((e: any) => e.cursor)).size).toBe(got.length);
      expect(got.slice(0, 2).map((e: any) => e.toStatus)).toEqual(["NOT_STARTED", "TEAM_CHECKING"]);
      feed.stop();
    } finally {
      await client.dispose();
    }
  });

  it("refuses a malformed cursor and an anonymous subscription over SSE", async () => {
    const client = wsClient(port, agentA.token);
    try {
      const feed = await subscribeWs(client, EVENTS, { after: "yesterday" });
      await feed.completed;
      expect(JSON.stringify(feed.errors)).toMatch(/after\\" must be the cursor of a TicketEvent/);
    } finally {
      await client.dispose();
    }
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect(await response.text()).toMatch(/UNAUTHENTICATED/);
  });
});
