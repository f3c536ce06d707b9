// Live streams last exactly as long as the credentials they were opened with: they end at
// the instant a session or token expires (moved here by the injected clock), on every road
// and whether the subscription is shared with others (grouped) or runs on its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { type Collector, subscribeSse, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

const EVENTS = `subscription($after: String) { ticketEvents(after: $after) { type } }`;

let app: TestApp;
let port: number;
let url: string;
let writer: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  app = await createTestApp({ slaMonitor: false });
  ({ port, url } = await app.start(0));
  team = await seedTeam(app);
  writer = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app.close());

const inSeconds = (seconds: number) => new Date(app.clock.now().getTime() + seconds * 1000);

describe("credentials that expire", () => {
  it("end their open WebSocket and SSE streams at the expiry instant, and not before", async () => {
    // Frozen, so only the moves below bring the expiry closer, however long the steps take.
    app.clock.freeze();
    const person = await seedUser(app, "AGENT", [team.id]);
    await app.db.prisma.session.updateMany({ where: { userId: person.id }, data: { expiresAt: inSeconds(60) } });
    const bot = await seedApiToken(app, ["tickets:read"], [team.id]);
    await app.db.prisma.apiToken.update({ where: { id: bot.id }, data: { expiresAt: inSeconds(120) } });
    const personSocket = wsClient(port, person.token);
    const botSocket = wsClient(port, bot.token);
    try {
      // Grouped (live only) and per-subscriber (with a replay) streams, over both roads.
      const personFeeds: Collector[] = [
        await subscribeWs(personSocket, EVENTS),
        await subscribeWs(personSocket, EVENTS, { after: "0" }),
        await subscribeSse(url, person.token, EVENTS),
      ];
      const botFeed = await subscribeWs(botSocket, EVENTS);
      await createTicketVia(app, writer.token, { teamId: team.gid });
      for (const feed of [...personFeeds, botFeed]) await feed.waitForMatching((e) => e.ticketEvents.type === "CREATED", 1);

      app.clock.advance(59);
      // Not yet: an event after the move still reaches everyone.
      await createTicketVia(app, writer.token, { teamId: team.gid });
      for (const feed of [...personFeeds, botFeed]) await feed.waitForMatching((e) => e.ticketEvents.type === "CREATED", 2);

      app.clock.advance(2);
      for (const feed of personFeeds) {
        await feed.completed;
        expect(JSON.stringify(feed.errors)).toMatch(/expired/);
      }
      // The token lives on until its own expiry: it gets the next event, the person's streams do not.
      const before = personFeeds.map((feed) => feed.received.length);
      await createTicketVia(app, writer.token, { teamId: team.gid });
      await botFeed.waitForMatching((e) => e.ticketEvents.type === "CREATED", 3);
      expect(personFeeds.map((feed) => feed.received.length)).toEqual(before);

      app.clock.advance(60);
      await botFeed.completed;
      expect(JSON.stringify(botFeed.errors)).toMatch(/expired/);
      expect(app.services.credentialWatch.size).toBe(0);
    } finally {
      await Promise.all([personSocket.dispose(), botSocket.dispose()]);
    }
  });

  it("cannot open a stream once expired", async () => {
    const person = await seedUser(app, "AGENT", [team.id]);
    await app.db.prisma.session.updateMany({ where: { userId: person.id }, data: { expiresAt: inSeconds(1) } });
    app.clock.advance(2);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${person.token}` },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect(response.status).toBe(401);
  });
});
