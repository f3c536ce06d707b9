import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let team: Awaited<ReturnType<typeof seedTeam>>;
let other: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let supervisor: TestUser;

const METRICS = `subscription($teams: [ID!]) { liveMetrics(teamIds: $teams) { team { name } open atRisk breached at } }`;

beforeAll(async () => {
  app = await createTestApp({ slaMonitorIntervalMs: 100 });
  ({ port } = await app.start(0));
  team = await seedTeam(app, "CS-Payment");
  other = await seedTeam(app, "CS-Risk");
  agent = await seedUser(app, "AGENT", [team.id]);
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);
});
afterAll(() => app.close());

describe("liveMetrics", () => {
  it("sends a team's figures at once, then changes at most once a second however many events arrive", async () => {
    // The interval is measured on the app's clock: frozen, no recount falls due until the
    // test moves it, so what arrives (and what does not) is decided by the test alone.
    app.clock.freeze();
    const client = wsClient(port, supervisor.token);
    try {
      const feed = await subscribeWs(client, METRICS, { teams: [team.gid] });
      const [first] = await feed.waitFor(1);
      expect(first.liveMetrics).toMatchObject({ team: { name: "CS-Payment" }, open: 0, atRisk: 0, breached: 0 });
      // A burst of 6 new cases (and one in another team, which this dashboard does not watch).
      await createTicketVia(app, agent.token, { teamId: other.gid });
      for (let i = 0; i < 6; i++) await createTicketVia(app, agent.token, { teamId: team.gid });
      // A second after the first figures, the burst arrives as one push: any other push
      // would have been sent before it, so the feed holds exactly two.
      app.clock.advance(1);
      await feed.waitForMatching((m) => m.liveMetrics.open === 6, 1);
      expect(feed.received.map((m) => m.liveMetrics.open)).toEqual([0, 6]);
      // Another case half a second later waits for the rest of that second.
      await createTicketVia(app, agent.token, { teamId: team.gid });
      app.clock.advance(0.5);
      await createTicketVia(app, agent.token, { teamId: team.gid });
      app.clock.advance(0.5);
      await feed.waitForMatching((m) => m.liveMetrics.open === 8, 1);
      expect(feed.received.map((m) => m.liveMetrics.open)).toEqual([0, 6, 8]);
      const times = feed.received.map((m) => Date.parse(m.liveMetrics.at));
      expect([times[1]! - times[0]!, times[2]! - times[1]!]).toEqual([1000, 1000]);
      expect(feed.received.every((m) => m.liveMetrics.team.name === "CS-Payment")).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it("counts SLA breaches as the monitor fires them", async () => {
    const desk = await seedTeam(app);
    const lead = await seedUser(app, "SUPERVISOR", [desk.id]);
    const client = wsClient(port, lead.token);
    try {
      const feed = await subscribeWs(client, METRICS, { teams: [desk.gid] });
      await feed.waitFor(1);
      const ticket = await createTicketVia(app, lead.token, { teamId: desk.gid, priority: "HIGH" });
      await moveVia(app, lead.token, { id: ticket.id, to: "NOT_STARTED" });
      app.clock.advance(1); // the recount is due a second after the first figures
      await feed.waitForMatching((m) => m.liveMetrics.open === 1 && m.liveMetrics.breached === 0, 1, 5000);
      app.clock.advance(31 * 60);
      const [breached] = await feed.waitForMatching((m) => m.liveMetrics.breached === 1, 1, 5000);
      expect(breached.liveMetrics).toMatchObject({ open: 1, atRisk: 0, breached: 1 });
    } finally {
      await client.dispose();
    }
  });

  it("is for supervisors of the team, managers and report tokens; agents and other teams' supervisors are refused", async () => {
    const run = async (token: string, teams?: string[]) => {
      const client = wsClient(port, token);
      try {
        const feed = await subscribeWs(client, METRICS, teams ? { teams } : {});
        await Promise.race([feed.waitFor(1, 3000).catch(() => null), feed.completed]);
        return feed;
      } finally {
        await client.dispose();
      }
    };
    const agentFeed = await run(agent.token, [team.gid]);
    expect(agentFeed.received).toEqual([]);
    expect(JSON.stringify(agentFeed.errors)).toMatch(/not allowed|FORBIDDEN/);
    const outsider = await run(supervisor.token, [other.gid]);
    expect(outsider.received).toEqual([]);
    expect(JSON.stringify(outsider.errors)).toMatch(/FORBIDDEN|supervisors/);
    const bot = await seedApiToken(app, ["reports:read"], [team.id]);
    const botFeed = await run(bot.token);
    expect(botFeed.received[0].liveMetrics.team.name).toBe("CS-Payment");
  });
});
