// The compiled case list (src/schema/ticket/compiled-list.ts) answers exactly what the
// normal executor answers, for every kind of viewer, filter, order and page, in one
// statement after the session's; what it does not know runs through the normal path.
import { execute, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticate } from "../src/auth/authenticate.js";
import { createContext } from "../src/context.js";
import { schema } from "../src/schema/index.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let manager: TestUser;
let supervisor: TestUser;
let author: TestUser;
let colleague: TestUser;
let outsider: TestUser;
let bot: { token: string };
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;

const COMPILED = /^SELECT json_build_object\(/;

beforeAll(async () => {
  // No background work (SLA monitor, webhook dispatcher): its statements would land among those counted.
  app = await createTestApp({ slaMonitor: false, reportFoldIntervalMs: 0, webhooks: { ...testConfig().webhooks, dispatcher: false } });
  // SLA state counts seconds to the clock's now: both paths must read the same now.
  app.clock.freeze();
  teamA = await seedTeam(app, "CS-Payment");
  teamB = await seedTeam(app, "Risk");
  manager = await seedUser(app, "MANAGER");
  supervisor = await seedUser(app, "SUPERVISOR", [teamA.id]);
  author = await seedUser(app, "AGENT", [teamA.id]);
  colleague = await seedUser(app, "AGENT", [teamA.id]);
  outsider = await seedUser(app, "AGENT", [teamB.id]);
  bot = await seedApiToken(app, ["tickets:read"], [teamB.id]);
  for (let i = 0; i < 24; i++) {
    const ticket = await createTicketVia(app, manager.token, {
      teamId: i % 3 === 0 ? teamB.gid : teamA.gid,
      priority: ["HIGH", "MEDIUM", "LOW"][i % 3],
      channel: i % 2 ? "EMAIL" : "APP",
      tags: i % 4 === 0 ? ["vip", "refund"] : ["refund"],
      assigneeId: i % 3 === 0 ? null : author.gid,
      description: i === 5 ? "Duplicate 100%_charge on premium plan" : "refund missing",
    });
    // Some cases move on, so their SLA targets stand differently (met, paused, a follow-up cycle).
    if (i % 2) await moveVia(app, manager.token, { id: ticket.id, to: "NOT_STARTED" });
    if (i % 4 === 3) await moveVia(app, manager.token, { id: ticket.id, to: "TEAM_CHECKING" });
  }
  const tickets = await app.db.prisma.ticket.findMany({ select: { id: true, teamId: true }, orderBy: { createdAt: "asc" } });
  // Notes on every case, and on team A's cases a reply of the author's still held for review.
  await app.db.prisma.comment.createMany({
    data: tickets.flatMap((t, i) => [
      ...[1, 2, 3, 4].map((n) => ({
        ticketId: t.id,
        body: `note ${n}`,
        visibility: "INTERNAL" as const,
        createdAt: new Date(Date.now() + n * 1000),
      })),
      ...(t.teamId === teamA.id
        ? [
            {
              ticketId: t.id,
              authorId: author.id,
              body: `held reply ${i}`,
              visibility: "PUBLIC" as const,
              kind: "REPLY" as const,
              reviewState: "PENDING_REVIEW" as const,
              createdAt: new Date(Date.now() + 5000),
            },
          ]
        : []),
    ]),
  });
});
afterAll(() => app.close());

/**
 * The same request through yoga (compiled where it can be) and through graphql-js's execute on
 * the schema alone (never compiled); `statements` are those after the credentials' own.
 */
async function bothPaths(query: string, variables: Record<string, unknown>, token: string) {
  app.queries.length = 0;
  const compiled = await app.gql(query, variables, { token });
  // The credentials' own statements (a session; a token, which may also note its last use) left out.
  const statements = app.queries.filter(
    (q) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(q) && !/^\s*(SELECT|UPDATE) .*(?:"public"\.)?"(Session|ApiToken)"/s.test(q),
  );
  const auth = await authenticate(app.db.prisma, app.clock, `Bearer ${token}`);
  if (!auth.ok) throw new Error(auth.reason);
  const normal = await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    contextValue: createContext(app.services, auth.viewer),
  });
  return { compiled: { data: compiled.data, errors: compiled.errors }, normal: JSON.parse(JSON.stringify(normal)), statements };
}

const NODE = `__typename id number title accountId externalRef channel type subcategory priority severity status description details
  resolution version dueAt atRisk reopenCount practice firstRespondedAt answeredAt doneAt createdAt updatedAt
  team { __typename id name description } assignee { id name email } tier { name } tags
  latest: comments(last: 3) { __typename edges { __typename node { __typename id body kind visibility createdAt } } }
  oldest: comments(first: 2) { edges { node { body } } }
  sla { __typename pausedSince targets { __typename kind cycle dueAt remainingSeconds state metAt breachedAt breachReason } }`;

const PAGE = `query Page($first: Int, $filter: TicketFilter, $orderBy: TicketOrder) {
  tickets(first: $first, filter: $filter, orderBy: $orderBy) {
    __typename totalCount
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
    edges { __typename cursor node { ...Case } }
  }
}
fragment Case on Ticket { ${NODE} }`;

describe("the compiled case list", () => {
  it("answers every viewer exactly as the normal executor, in one statement after the credentials' own", async () => {
    for (const [name, viewer] of Object.entries({ manager, supervisor, author, colleague, outsider, bot })) {
      const { compiled, normal, statements } = await bothPaths(PAGE, { first: 30 }, viewer.token);
      expect(compiled, name).toEqual(normal);
      expect(compiled.errors, name).toBeUndefined();
      expect(statements, name).toHaveLength(1);
      expect(statements[0], name).toMatch(COMPILED);
    }
  });

  it("shows a reply held for review only to whom canSeeComment allows", async () => {
    const bodies = async (token: string) => {
      const result = await app.gql(PAGE, { first: 100, filter: { teamId: teamA.gid } }, { token });
      return result.data.tickets.edges.flatMap((e: any) => e.node.latest.edges.map((c: any) => c.node.body));
    };
    expect((await bodies(author.token)).filter((b: string) => b.startsWith("held reply"))).toHaveLength(16);
    expect((await bodies(supervisor.token)).filter((b: string) => b.startsWith("held reply"))).toHaveLength(16);
    expect((await bodies(colleague.token)).filter((b: string) => b.startsWith("held reply"))).toHaveLength(0);
  });

  it("filters and orders as the normal executor does", async () => {
    const variables = [
      { first: 5, orderBy: "DUE_SOONEST" },
      { first: 10, orderBy: "PRIORITY", filter: { status: ["NEW", "TEAM_CHECKING"], priority: ["HIGH", "LOW"] } },
      { first: 10, orderBy: "OLDEST", filter: { channel: ["EMAIL"], tag: " VIP ", practice: false } },
      { first: 10, orderBy: "RECENTLY_UPDATED", filter: { assigneeId: author.gid, createdAfter: "2000-01-01T00:00:00Z" } },
      { first: 10, filter: { search: "100%_charge" } },
      { first: 10, filter: { search: "%" } },
      { first: 10, filter: { teamId: teamB.gid, type: ["INQUIRY"], createdBefore: "2000-01-01T00:00:00Z" } },
      { first: 0 },
    ];
    for (const vars of variables) {
      const { compiled, normal, statements } = await bothPaths(PAGE, vars, supervisor.token);
      expect(compiled, JSON.stringify(vars)).toEqual(normal);
      expect(statements[0], JSON.stringify(vars)).toMatch(COMPILED);
    }
  });

  it("shows SLA state as it stands at the clock's now", async () => {
    app.clock.advance(20 * 3600);
    const { compiled, normal, statements } = await bothPaths(PAGE, { first: 24 }, manager.token);
    expect(compiled).toEqual(normal);
    expect(statements[0]).toMatch(COMPILED);
    const states = compiled.data.tickets.edges.flatMap((e: any) => e.node.sla.targets.map((t: any) => t.state));
    expect(states).toContain("BREACHED");
  });

  it("hands out cursors the normal path pages on", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      // The first page compiled; the following ones (after: a cursor) through the normal path.
      const result: any = await app.gql(
        `query($after: String) { tickets(first: 10, after: $after) { pageInfo { hasNextPage endCursor } edges { node { number } } } }`,
        { after },
        { token: manager.token },
      );
      seen.push(...result.data.tickets.edges.map((e: any) => e.node.number));
      if (!result.data.tickets.pageInfo.hasNextPage) break;
      after = result.data.tickets.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
  });

  it("takes one statement for any page size and any number of lists in the operation", async () => {
    for (const first of [1, 50, 100]) {
      const query = `{ a: tickets(first: ${first}) { edges { node { ${NODE} } } } b: tickets(first: ${first}, orderBy: OLDEST) { totalCount edges { node { number latest: comments(last: 100) { edges { node { body } } } } } } }`;
      const { compiled, normal, statements } = await bothPaths(query, {}, manager.token);
      expect(compiled).toEqual(normal);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(COMPILED);
    }
  });

  it("leaves an operation whose statement failed to the normal executor, which answers as it answers any", async () => {
    const prisma = app.db.prisma;
    const queryRaw = prisma.$queryRaw.bind(prisma);
    const spy = vi
      .spyOn(prisma, "$queryRaw")
      .mockImplementation(((sql: { sql?: string }, ...rest: unknown[]) =>
        COMPILED.test(sql.sql ?? "")
          ? Promise.reject(new Error("connection lost"))
          : queryRaw(sql as never, ...(rest as never[]))) as never);
    try {
      const { compiled, normal, statements } = await bothPaths(
        `{ tickets(first: 5) { totalCount edges { node { number tags } } } }`,
        {},
        manager.token,
      );
      expect(statements.some((q) => COMPILED.test(q))).toBe(false); // refused before it reached the database
      expect(spy).toHaveBeenCalled();
      expect(compiled).toEqual(normal);
    } finally {
      spy.mockRestore();
    }
  });

  it("leaves what it does not know to the normal executor, with its errors and codes", async () => {
    // A field outside the compiled set: the normal path answers, the same data.
    const other = await bothPaths(`{ tickets(first: 3) { edges { node { number availableTransitions } } } }`, {}, manager.token);
    expect(other.compiled).toEqual(other.normal);
    expect(other.statements.some((q) => COMPILED.test(q))).toBe(false);

    const tooMany = await app.gql(PAGE, { first: 101 }, { token: manager.token });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "first" } });
    const longSearch = await app.gql(PAGE, { first: 5, filter: { search: "x".repeat(201) } }, { token: manager.token });
    expect(longSearch.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "filter.search" } });
    const badId = await app.gql(PAGE, { first: 5, filter: { teamId: "nope" } }, { token: manager.token });
    expect(badId.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "filter.teamId" } });
    const anonymous = await app.gql(PAGE, { first: 5 });
    expect(anonymous.errors?.[0]).toMatchObject({ extensions: { code: "UNAUTHENTICATED" } });
    const writer = await seedApiToken(app, ["reports:read"]);
    const forbidden = await app.gql(PAGE, { first: 5 }, { token: writer.token });
    expect(forbidden.errors?.[0]).toMatchObject({ extensions: { code: "FORBIDDEN" } });
  });
});
