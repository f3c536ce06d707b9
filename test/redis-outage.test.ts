// With Redis configured but not answering, an instance keeps serving: its own live
// subscribers still get its events, it says once that Redis is away, and it stops cleanly.
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { AdjustableClock } from "../src/clock.js";
import { createApp } from "../src/server.js";
import { freshDatabase, type TestApp, testConfig } from "./helpers/app.js";
import { reportLiveStreams, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, seedTeam, seedUser } from "./helpers/seed.js";

// Nothing listens on port 1: every connection attempt is refused at once.
const UNREACHABLE = "redis://127.0.0.1:1";

describe("Redis unreachable", () => {
  it("still delivers an instance's events to its own subscribers, says so once, and stops cleanly", async () => {
    const lines: { msg: string; level: number }[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }),
    );
    const { database, drop } = await freshDatabase();
    const app = (await createApp(testConfig({ database, slaMonitor: false, redisUrl: UNREACHABLE }), {
      logger,
      clock: new AdjustableClock(),
    })) as TestApp;
    try {
      expect(app.realtime.kind).toBe("redis");
      reportLiveStreams(app.services.credentialWatch);
      const { port } = await app.start(0);
      const team = await seedTeam(app as never);
      const agent = await seedUser(app as never, "AGENT", [team.id]);
      const client = wsClient(port, agent.token);
      try {
        const feed = await subscribeWs(client, `subscription { ticketEvents { type } }`);
        const gql = async (query: string, variables: unknown) => {
          const response = await app.yoga.fetch("http://caseflow.test/graphql", {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${agent.token}` },
            body: JSON.stringify({ query, variables }),
          });
          return { status: response.status, ...((await response.json()) as { data: any }) };
        };
        await createTicketVia({ ...app, gql } as never, agent.token, { teamId: team.gid });
        expect((await feed.waitFor(1)).map((e) => e.ticketEvents.type)).toEqual(["CREATED"]);
      } finally {
        await client.dispose();
      }
      const warnings = lines.filter((l) => /live events: Redis does not answer/.test(l.msg));
      expect(warnings).toHaveLength(1);
    } finally {
      await app.stop();
      await drop();
    }
  });
});
