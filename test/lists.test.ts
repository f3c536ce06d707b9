import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let manager: TestUser;
let agent: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;
let other: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  // No SLA monitor: its background scans would land among the statements counted below.
  app = await createTestApp({ slaMonitor: false, reportFoldIntervalMs: 0 });
  team = await seedTeam(app, "CS-Payment");
  other = await seedTeam(app, "Customer-Service-Department");
  manager = await seedUser(app, "MANAGER");
  agent = await seedUser(app, "AGENT", [team.id]);
  const priorities = ["HIGH", "MEDIUM", "LOW"];
  for (let i = 0; i < 60; i++) {
    await createTicketVia(app, manager.token, {
      teamId: i % 4 === 0 ? other.gid : team.gid,
      priority: priorities[i % 3],
      channel: i % 2 ? "EMAIL" : "APP",
      tags: i % 5 === 0 ? ["refund", "vip"] : ["refund"],
      assigneeId: i % 4 === 0 ? null : agent.gid,
      description: i === 7 ? "Duplicate charge on premium plan" : "refund missing",
    });
  }
  // Four comments on every case, so "last 3" has something to leave out.
  const tickets = await app.db.prisma.ticket.findMany({ select: { id: true } });
  await app.db.prisma.comment.createMany({
    data: tickets.flatMap((t) =>
      [1, 2, 3, 4].map((n) => ({
        ticketId: t.id,
        body: `note ${n}`,
        visibility: "INTERNAL" as const,
        createdAt: new Date(Date.now() + n * 1000),
      })),
    ),
  });
});
afterAll(() => app.close());

const PAGE = `query Page($first: Int, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      number priority channel tags status availableTransitions
      team { name } assignee { name } requester { maskedContact }
      comments(last: 3) { edges { node { body author { name } } } }
      sla { targets { kind cycle state } }
    } }
  }
}`;

describe("the tickets connection", () => {
  it("combines filters", async () => {
    const result = await app.gql(
      PAGE,
      { first: 100, filter: { teamId: team.gid, priority: ["HIGH"], channel: ["EMAIL"], tag: "vip" } },
      { token: manager.token },
    );
    const nodes = result.data.tickets.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(result.data.tickets.totalCount).toBe(nodes.length);
    for (const n of nodes) {
      expect(n).toMatchObject({ priority: "HIGH", channel: "EMAIL", team: { name: "CS-Payment" } });
      expect(n.tags).toContain("vip");
    }
    // The same by brute force: every case that matches all four conditions, and only those.
    const all = (await app.gql(PAGE, { first: 100 }, { token: manager.token })).data.tickets.edges.map((e: any) => e.node);
    const expected = all.filter(
      (n: any) => n.priority === "HIGH" && n.channel === "EMAIL" && n.team.name === "CS-Payment" && n.tags.includes("vip"),
    );
    expect(nodes.map((n: any) => n.number).sort()).toEqual(expected.map((n: any) => n.number).sort());
  });

  it("searches titles and descriptions, and finds a case by its exact number", async () => {
    const found = await app.gql(PAGE, { first: 10, filter: { search: "duplicate CHARGE" } }, { token: manager.token });
    expect(found.data.tickets.totalCount).toBe(1);
    const number = found.data.tickets.edges[0].node.number;
    const byNumber = await app.gql(PAGE, { first: 10, filter: { search: number.toLowerCase() } }, { token: manager.token });
    expect(byNumber.data.tickets.edges.map((e: any) => e.node.number)).toEqual([number]);
  });

  it("pages through every case once with cursors", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: any = await app.gql(PAGE, { first: 25, after, orderBy: "PRIORITY" }, { token: manager.token });
      seen.push(...result.data.tickets.edges.map((e: any) => e.node.number));
      if (!result.data.tickets.pageInfo.hasNextPage) break;
      after = result.data.tickets.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
  });

  it("refuses a page larger than 100 with a clear error", async () => {
    const result = await app.gql(PAGE, { first: 101 }, { token: manager.token });
    expect(result.data?.tickets ?? null).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/"first" must be at most 100, got 101/),
      extensions: { code: "VALIDATION", field: "first" },
    });
    const nested = await app.gql(
      `{ tickets(first: 1) { edges { node { comments(last: 500) { edges { cursor } } } } } }`,
      {},
      { token: manager.token },
    );
    expect(nested.errors?.[0]?.message).toMatch(/"last" must be at most 100, got 500/);
  });

  it("refuses instants on days that do not exist, naming the argument, instead of failing in the database", async () => {
    const query = `query($f: TicketFilter) { tickets(first: 5, filter: $f) { totalCount } }`;
    for (const instant of ["0000-01-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T08:00:00+08:00", "2026-13-01T00:00:00Z"]) {
      const result = await app.gql(query, { f: { createdAfter: instant } }, { token: manager.token });
      expect(result.errors?.[0]?.message, instant).toMatch(/"\$f".*createdAfter.*DateTime must be an ISO-8601 date-time string/s);
      expect(result.errors?.[0]?.extensions?.code, instant).not.toBe("INTERNAL_SERVER_ERROR");
    }
    const leapDay = await app.gql(query, { f: { createdAfter: "2024-02-29T00:00:00Z" } }, { token: manager.token });
    expect(leapDay.errors).toBeUndefined();
  });

  it("loads 50 cases with team, assignee, tags, requester, last 3 comments and SLA state in at most 4 SQL statements", async () => {
    for (const first of [5, 50]) {
      app.queries.length = 0;
      const result = await app.gql(PAGE, { first }, { token: manager.token });
      const nodes = result.data.tickets.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(first);
      expect(nodes[0].comments.edges.map((e: any) => e.node.body)).toEqual(["note 2", "note 3", "note 4"]);
      const statements = app.queries.filter((q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q));
      // The session, the cases with their relations, the count, the SLA targets of the page.
      expect(statements.length).toBeLessThanOrEqual(4);
      console.info(`tickets(first: ${first}) with relations: ${statements.length} SQL statements`);
    }
  });

  it("shows an agent only their team's share, with the right count", async () => {
    const result = await app.gql(PAGE, { first: 100 }, { token: agent.token });
    expect(result.data.tickets.totalCount).toBe(45);
    expect(new Set(result.data.tickets.edges.map((e: any) => e.node.team.name))).toEqual(new Set(["CS-Payment"]));
  });
});
