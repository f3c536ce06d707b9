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
    const client = wsClient(port, supervisor.token);
    try {
      const feed = await subscribeWs(client, METRICS, { teams: [team.gid] });
      const [first] = await feed.waitFor(1);
      expect(first.liveMetrics).toMatchObject({ team: { name: "CS-Payment" }, open: 0, atRisk: 0, breached: 0 });
      // A burst of 6 new cases (and one in another team, which this dashboard does not watch).
      await createTicketVia(app, agent.token, { teamId: other.gid });
      for (let i = 0; i < 6; i++) await createTicketVia(app, agent.token, { teamId: team.gid });
      const settled = await feed.waitForMatching((m) => m.liveMetrics.open === 6, 1, 5000);
      expect(settled[0].liveMetrics.team.name).toBe("CS-Payment");
      await new Promise((r) => setTimeout(r, 1200));
      const updates = feed.received.slice(1);
      // Six creations in well under a second each produce an event; the dashboard gets at most a few pushes.
      expect(updates.length).toBeLessThanOrEqual(3);
      const times = updates.map((u) => Date.parse(u.liveMetrics.at));
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(950);
      expect(updates.every((u) => u.liveMetrics.team.name === "CS-Payment")).toBe(true);
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
