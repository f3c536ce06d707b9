// Case search is answered by indexes: every part of the search condition (number,
// account and external reference exactly, title and description by ILIKE) can be read
// from an index, so PostgreSQL never has to read every case for it. The statement the API
// sends for a search is captured with its parameters and explained with sequential scans
// disabled: a condition no index can answer would still need a sequential scan of the
// cases. How fast that is over 1,000,000 cases: `npm run bench:search` (BENCHMARKS.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let admin: TestUser;
let agent: TestUser;
let statements: { query: string; params: string }[] = [];

beforeAll(async () => {
  app = await createTestApp();
  // createTestApp logs queries, so Prisma's query events (with parameters) are on.
  app.db.prisma.$on("query" as never, (event: { query: string; params: string }) => statements.push(event));
  const team = await seedTeam(app);
  admin = await seedUser(app, "ADMIN");
  agent = await seedUser(app, "AGENT", [team.id]);
  await createTicketVia(app, agent.token, {
    teamId: team.gid,
    accountId: "ACC-SEARCH-1",
    title: "ACC-SEARCH-1 card charged twice for order 0424242",
  });
});
afterAll(async () => {
  await app.close();
});

/**
 * The plan of the statement the API sent for this search, with sequential scans off: the
 * compiled case list's one statement, which counts (totalCount) and reads the page.
 */
async function countPlan(token: string, search: string): Promise<string> {
  statements = [];
  const result = await app.gql(
    `query($s: String!) { tickets(first: 10, filter: { search: $s }) { totalCount } }`,
    { s: search },
    { token },
  );
  expect(result.data.tickets.totalCount).toBe(1);
  const count = statements.find((s) => /count\(\*\)/i.test(s.query) && s.query.includes("ILIKE"));
  if (!count) throw new Error(`no count statement among ${statements.length}`);
  const rows = await app.db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${count.query}`, ...(JSON.parse(count.params) as unknown[]));
  });
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

describe("case search", () => {
  it.each([
    ["an administrator", () => admin.token],
    ["an agent of the case's team", () => agent.token],
  ])("is answered from the trigram, number, account and reference indexes for %s", async (_who, token) => {
    const plan = await countPlan(token(), "CHARGED TWICE");
    expect(plan).not.toMatch(/Seq Scan on "Ticket"/);
    for (const index of [
      "Ticket_title_idx",
      "Ticket_description_idx",
      "Ticket_number_key",
      "Ticket_externalRef_idx",
      "Ticket_accountId_type_idx",
    ])
      expect(plan).toContain(index);
  });
});
