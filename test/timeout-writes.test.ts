// TIMEOUT means not committed, for the writes that are one statement too (people, teams,
// tokens, sessions, SLA policies): each is blocked on its table by a lock held from
// outside until the operation has answered TIMEOUT, then let go; once the blocked write
// has settled (taking the table's strongest lock waits for it), nothing it tried to write
// may be there. Before, these statements ran outside any transaction and committed as soon
// as the lock was released. PostgreSQL only: holding a table lock from a second connection
// needs a server; PGlite serves one connection, so nothing can block there.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../src/auth/secrets.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

const onPostgres = process.env.DATABASE_URL !== undefined;
let app: TestApp;
let admin: TestUser;
let url: string;

beforeAll(async () => {
  if (!onPostgres) return;
  app = await createTestApp({ slaMonitor: false, limits: { ...testConfig().limits, executionTimeoutMs: 300 } });
  admin = await seedUser(app, "ADMIN");
  const { database } = app.config;
  url = database.kind === "postgres" ? database.url : "";
});
afterAll(() => app?.close());

interface Case {
  table: string;
  send(): Promise<{ errors?: { extensions?: Record<string, any> }[] }>;
  written(client: pg.Client): Promise<number>;
}

const person = { email: "timeout.person@example.com", password: "violet kettle harbour 1987" };
const cases: Record<string, () => Promise<Case>> = {
  createTeam: async () => ({
    table: "Team",
    send: () => app.gql(`mutation { createTeam(input: { name: "Timeout-Desk" }) { __typename } }`, {}, { token: admin.token }),
    written: async (c) => (await c.query(`SELECT count(*)::int AS n FROM "Team" WHERE name = 'Timeout-Desk'`)).rows[0].n,
  }),
  createUser: async () => ({
    table: "User",
    send: () =>
      app.gql(
        `mutation($i: CreateUserInput!) { createUser(input: $i) { __typename } }`,
        { i: { email: "late@example.com", name: "Late Person", password: person.password, role: "AGENT" } },
        { token: admin.token },
      ),
    written: async (c) => (await c.query(`SELECT count(*)::int AS n FROM "User" WHERE email = 'late@example.com'`)).rows[0].n,
  }),
  createApiToken: async () => ({
    table: "ApiToken",
    send: () =>
      app.gql(
        `mutation { createApiToken(input: { name: "late bot", scopes: ["tickets:read"] }) { __typename } }`,
        {},
        { token: admin.token },
      ),
    written: async (c) => (await c.query(`SELECT count(*)::int AS n FROM "ApiToken" WHERE name = 'late bot'`)).rows[0].n,
  }),
  upsertSlaPolicy: async () => {
    const team = await seedTeam(app);
    return {
      table: "SlaPolicy",
      send: () =>
        app.gql(
          `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename } }`,
          {
            i: {
              name: "Late policy",
              priority: "LOW",
              teamId: team.gid,
              firstResponseSeconds: 60,
              resolutionSeconds: 3600,
              followUpSeconds: 3600,
            },
          },
          { token: admin.token },
        ),
      written: async (c) => (await c.query(`SELECT count(*)::int AS n FROM "SlaPolicy" WHERE name = 'Late policy'`)).rows[0].n,
    };
  },
  login: async () => {
    // Written directly: hashing within the 300 ms budget is not what this case is about.
    await app.db.prisma.user.create({
      data: { email: person.email, name: "Timeout Person", role: "AGENT", passwordHash: await hashPassword(person.password) },
    });
    const sessions = async (c: pg.Client) =>
      (await c.query(`SELECT count(*)::int AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`, [person.email]))
        .rows[0].n;
    return {
      table: "Session",
      send: () => app.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename } }`, { i: person }),
      written: sessions,
    };
  },
};

describe.runIf(onPostgres)("writes answered TIMEOUT are not committed (PostgreSQL)", () => {
  it.each(Object.keys(cases))("%s", async (name) => {
    const road = await cases[name]!();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE "${road.table}" IN EXCLUSIVE MODE`);
      const answer = await road.send();
      expect(answer.errors?.[0]?.extensions?.code).toBe("TIMEOUT");
      await holder.query("COMMIT");
      // Granted only once the blocked write's transaction has ended, whichever way.
      await holder.query("BEGIN");
      await holder.query(`LOCK TABLE "${road.table}" IN ACCESS EXCLUSIVE MODE`);
      await holder.query("COMMIT");
      expect(await road.written(holder)).toBe(0);
    } finally {
      await holder.end();
    }
  });
});
