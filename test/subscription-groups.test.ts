// Subscribers with the same live-only document, variables and permissions share one
// execution per event; each still leaves, and is cut off on revocation, on its own.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { type CapturedLogs, captureLogs } from "./helpers/log-capture.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let team: Awaited<ReturnType<typeof seedTeam>>;
let managers: TestUser[];
let agent: TestUser;
let logs: CapturedLogs;

const EVENTS = `subscription { ticketEvents { type ticket { number } } }`;

beforeAll(async () => {
  logs = captureLogs("info");
  app = await createTestApp({ slaMonitor: false }, { logger: logs.logger });
  ({ port } = await app.start(0));
  team = await seedTeam(app);
  managers = await Promise.all([1, 2, 3].map(() => seedUser(app, "MANAGER")));
  agent = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app.close());

describe("grouped subscription execution", () => {
  it("executes each event once per group of equal permissions, and members come and go on their own", async () => {
    const clients = [...managers, agent].map((u) => wsClient(port, u.token));
    try {
      const feeds = await Promise.all(clients.map((c) => subscribeWs(c, EVENTS)));
      // Three managers share a group; the agent sees other cases, so has one of its own.
      expect(app.subscriptionGroups.size).toEqual({ groups: 2, members: 4 });

      let executions = 0;
      const get = app.realtime.cache.get.bind(app.realtime.cache);
      app.realtime.cache.get = ((key: string, load: () => Promise<unknown>) => {
        if (key.startsWith("event:")) executions++;
        return get(key, load);
      }) as typeof get;
      const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
      for (const feed of feeds)
        await feed.waitForMatching((e) => e.ticketEvents.type === "CREATED" && e.ticketEvents.ticket.number === ticket.number, 1);
      const perEvent = executions / (await app.db.prisma.ticketEvent.count({ where: { ticket: { number: ticket.number } } }));
      // One execution for the managers' group and one for the agent, not one per subscriber.
      expect(perEvent).toBe(2);

      // Signing one manager out ends that stream only.
      await app.gql(`mutation { logout { __typename } }`, {}, { token: managers[0]!.token });
      await feeds[0]!.completed;
      expect(JSON.stringify(feeds[0]!.errors)).toMatch(/revoked/);
      // A member keeps its own operation's request id (a group executes with none of its
      // members' contexts): on the error it was sent and on its access line.
      const [revoked] = feeds[0]!.errors as { extensions: { code: string; requestId: string } }[][];
      expect(revoked![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const access = await logs.next((line) => line.access && line.requestId === revoked![0]!.extensions.requestId);
      expect(access).toMatchObject({ transport: "ws", operations: ["subscription anonymous"], errors: ["UNAUTHENTICATED"] });
      feeds[1]!.stop();
      // The server hears of the client's stop when its message arrives; the bound only ends a hang.
      await vi.waitFor(() => expect(app.subscriptionGroups.size).toEqual({ groups: 2, members: 2 }), { timeout: 10_000 });
      const next = await createTicketVia(app, agent.token, { teamId: team.gid });
      await feeds[2]!.waitForMatching((e) => e.ticketEvents.ticket.number === next.number, 1);
      expect(feeds[0]!.received.some((e) => e.ticketEvents.ticket.number === next.number)).toBe(false);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
    await vi.waitFor(() => expect(app.subscriptionGroups.size).toEqual({ groups: 0, members: 0 }), { timeout: 10_000 });
  });
});
