// Reports from rollups are exact: after every kind of write, folded or not, each report
// equals the recount by the plain statements (test/report-reference.ts), for periods
// with whole days and part-days, all teams and one. Time is the app's clock, moved by
// the test, so cases, targets and events fall on the days chosen here.
import { encodeGlobalID } from "@pothos/plugin-relay";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvRow } from "../src/domain/csv.js";
import { foldAll, foldReports } from "../src/reports/fold.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";
import { REPORT, recountReport } from "./report-reference.js";

const HOUR = 3600;
const DAY = 86_400_000;

let app: TestApp;
let teams: Awaited<ReturnType<typeof seedTeam>>[];
let agent: TestUser;
let manager: TestUser;
let admin: TestUser;
let start = 0;
const cases: { id: string; version?: number }[] = [];

beforeAll(async () => {
  // No fold and no SLA scan unless the test runs one.
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000, reportFoldIntervalMs: 0 });
  app.clock.freeze();
  // Start just before a UTC midnight, so the writes below spread over several days.
  const now = app.clock.now().getTime();
  app.clock.advance((Math.ceil(now / DAY) * DAY - now) / 1000 - 5 * HOUR);
  start = app.clock.now().getTime();
  teams = [await seedTeam(app, "Rollup-A"), await seedTeam(app, "Rollup-B")];
  agent = await seedUser(
    app,
    "AGENT",
    teams.map((t) => t.id),
    { name: "Rollup Agent" },
  );
  manager = await seedUser(app, "MANAGER");
  admin = await seedUser(app, "ADMIN");
  // The seeded sessions last a day of real time; this test moves the clock further.
  await app.db.prisma.session.updateMany({ data: { expiresAt: new Date(start + 365 * DAY) } });
});
afterAll(() => app?.close());

/** Periods around the writes: with part-days at both ends, inside one day, and whole days only. */
function periods(): { from: Date; to: Date }[] {
  const now = app.clock.now().getTime();
  const midnight = Math.floor(start / DAY) * DAY;
  return [
    { from: new Date(start - 7 * HOUR * 1000), to: new Date(now + 3 * HOUR * 1000) },
    { from: new Date(now - 2 * HOUR * 1000), to: new Date(now + 1000) },
    { from: new Date(midnight), to: new Date(midnight + 5 * DAY) },
    { from: new Date(start + 1000), to: new Date(Math.floor(now / DAY) * DAY + 1000) },
  ].filter((p) => p.from < p.to);
}

async function reportVia(period: { from: Date; to: Date }, teamId: string | null) {
  const result = await app.gql(
    REPORT,
    {
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      teamId: teamId ? teams.find((t) => t.id === teamId)!.gid : null,
    },
    { token: manager.token },
  );
  if (!result.data?.report) throw new Error(JSON.stringify(result.errors));
  return result.data.report;
}

/** Every report equals the recount, unfolded; then after folding all marks, again. */
async function expectExact(label: string) {
  for (const folded of [false, true]) {
    if (folded) await foldAll(app.db.prisma);
    for (const period of periods()) {
      for (const teamId of [null, ...teams.map((t) => t.id)]) {
        const expected = await recountReport(app.db.prisma, { ...period, teamId });
        expect(
          await reportVia(period, teamId),
          `${label}, ${folded ? "folded" : "unfolded"}, ${period.from.toISOString()} – ${period.to.toISOString()}, ${teamId ?? "all teams"}`,
        ).toEqual(expected);
      }
    }
  }
}

const later = (hours: number) => app.clock.advance(hours * HOUR);

async function create(overrides: Record<string, unknown> = {}) {
  const ticket = await createTicketVia(app, agent.token, { teamId: teams[0]!.gid, ...overrides });
  cases.push({ id: ticket.id });
  return ticket;
}

const update = (input: Record<string, unknown>) =>
  app.gql(`mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { __typename } }`, { input }, { token: agent.token });
const tags = (mutation: "addTags" | "removeTags", ticketId: string, names: string[]) =>
  app.gql(
    `mutation($input: TicketTagsInput!) { ${mutation}(input: $input) { __typename } }`,
    { input: { ticketId, tags: names } },
    { token: agent.token },
  );
const assign = (id: string) =>
  app.gql(
    `mutation($input: AssignTicketInput!) { assignTicket(input: $input) { __typename } }`,
    { input: { id, assigneeId: agent.gid } },
    { token: agent.token },
  );

async function close(id: string) {
  const result = await app.gql(
    `mutation($input: TransitionTicketInput!) { transitionTicket(input: $input) { __typename ... on TransitionTicketPayload { surveyToken } } }`,
    { input: { id, to: "DONE", resolution: "sorted" } },
    { token: agent.token },
  );
  return result.data.transitionTicket.surveyToken as string | null;
}
const answer = (token: string, rating: string) =>
  app.gql(`mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { __typename } }`, { i: { token, rating } });

async function importCases(rows: unknown[][]) {
  const header = [
    "number",
    "title",
    "status",
    "priority",
    "channel",
    "type",
    "team",
    "assignee",
    "accountId",
    "externalRef",
    "requesterContact",
    "tags",
    "createdAt",
    "doneAt",
    "resolution",
  ];
  const response = await app.yoga.fetch("http://caseflow.test/import/tickets.csv", {
    method: "POST",
    headers: { "content-type": "text/csv; charset=utf-8", authorization: `Bearer ${admin.token}` },
    body: [header, ...rows].map(csvRow).join(""),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("report from rollups", { timeout: 300_000 }, () => {
  it("equals the recount after every kind of write, folded or not", async () => {
    await expectExact("empty");

    const a = await create({ priority: "HIGH", channel: "EMAIL", type: "COMPLAINT", tags: ["refund", "vip"], subcategory: "refund" });
    const b = await create({ priority: "LOW", channel: "APP", tags: ["refund"], subcategory: "card" });
    const c = await create({ teamId: teams[1]!.gid, priority: "MEDIUM", assigneeId: agent.gid });
    await create({ practice: true, priority: "HIGH", tags: ["vip"] });
    await expectExact("created");

    later(1);
    await moveVia(app, agent.token, { id: a.id, to: "NOT_STARTED" });
    await moveVia(app, agent.token, { id: b.id, to: "NOT_STARTED" });
    later(2);
    await moveVia(app, agent.token, { id: a.id, to: "TEAM_CHECKING" });
    await moveVia(app, agent.token, { id: a.id, to: "INFORM_CUSTOMER", note: "refund sent" });
    const survey = await close(a.id);
    await expectExact("transitions and a close");

    // Past midnight: the answer, the reopening and the next day's cases fall on a new day.
    later(4);
    await answer(survey!, "SATISFIED");
    await moveVia(app, agent.token, { id: a.id, to: "NOT_STARTED", note: "charged again" });
    await expectExact("survey answered and reopened");

    await update({ id: c.id, teamId: teams[0]!.gid });
    await update({ id: b.id, priority: "HIGH", type: "SUGGESTION", subcategory: "wallet" });
    await tags("addTags", b.id, ["urgent", "vip"]);
    await tags("removeTags", a.id, ["refund"]);
    await assign(b.id);
    await expectExact("team, priority, type, tags and assignee changed");

    // The monitor breaches every first response left open a day later.
    await moveVia(app, agent.token, { id: c.id, to: "NOT_STARTED" });
    later(30);
    expect(await app.slaMonitor!.tick()).toBeGreaterThanOrEqual(1);
    await expectExact("SLA breached by the monitor");
    // A breached target met later counts once however the period cuts its two instants.
    await moveVia(app, agent.token, { id: c.id, to: "TEAM_CHECKING", breachReason: "backlog" });
    const both = await app.db.prisma.slaTarget.count({ where: { breachedAt: { not: null }, metAt: { not: null } } });
    expect(both).toBeGreaterThan(0);
    await expectExact("a breached target met");

    const day = new Date(app.clock.now().getTime() - 2 * HOUR * 1000).toISOString();
    await importCases([
      [
        "",
        "ACC-900 imported open",
        "TEAM_CHECKING",
        "HIGH",
        "EMAIL",
        "COMPLAINT",
        "Rollup-A",
        "",
        "ACC-900",
        "EXT-900",
        "",
        "refund vip",
        day,
        "",
        "",
      ],
      [
        "",
        "ACC-901 imported done",
        "DONE",
        "LOW",
        "WEB",
        "INQUIRY",
        "Rollup-B",
        "",
        "ACC-901",
        "EXT-901",
        "",
        "",
        day,
        new Date(app.clock.now().getTime() - 1000).toISOString(),
        "sent",
      ],
    ]);
    await expectExact("imported");
  });

  it("reads a team named by an upper-case id as that team (folded rows store ids in lower case)", async () => {
    await create({ priority: "HIGH" });
    later(30);
    await foldAll(app.db.prisma);
    const team = teams[0]!;
    const period = { from: new Date(app.clock.now().getTime() - 40 * DAY), to: new Date(app.clock.now().getTime() + 1000) };
    const ask = async (teamGid: string) => {
      const result = await app.gql(
        REPORT,
        { period: { from: period.from.toISOString(), to: period.to.toISOString() }, teamId: teamGid },
        { token: manager.token },
      );
      if (!result.data?.report) throw new Error(JSON.stringify(result.errors));
      return result.data.report;
    };
    const expected = await recountReport(app.db.prisma, { ...period, teamId: team.id });
    expect(expected.totalCases).toBeGreaterThan(0);
    expect(await ask(encodeGlobalID("Team", team.id.toUpperCase()))).toEqual(expected);
  });

  it("equals the recount after a seeded random sequence of writes, part folded", async () => {
    // A small linear congruential generator: the same sequence on every run.
    let seed = 20261207;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(list: readonly T[]) => list[random(list.length)]!;
    const statuses = ["NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE"];
    const surveys: string[] = [];
    for (let step = 0; step < 60; step++) {
      const target = pick(cases);
      switch (random(9)) {
        case 0:
          await create({
            teamId: pick(teams).gid,
            priority: pick(["HIGH", "MEDIUM", "LOW"]),
            channel: pick(["EMAIL", "APP", "WEB"]),
            tags: [pick(["a", "b", "c"])],
            practice: random(8) === 0,
          });
          break;
        case 1:
        case 2: {
          const to = pick(statuses);
          if (to === "DONE") {
            const token = await close(target.id);
            if (token) surveys.push(token);
          } else await moveVia(app, agent.token, { id: target.id, to, breachReason: "late" });
          break;
        }
        case 3:
          await update({ id: target.id, teamId: pick(teams).gid });
          break;
        case 4:
          await update({ id: target.id, priority: pick(["HIGH", "MEDIUM", "LOW"]), subcategory: pick(["x", "y", null]) });
          break;
        case 5:
          await tags(pick(["addTags", "removeTags"] as const), target.id, [pick(["a", "b", "c", "vip"])]);
          break;
        case 6:
          if (surveys.length) await answer(surveys.splice(random(surveys.length), 1)[0]!, pick(["SATISFIED", "NEUTRAL", "UNSATISFIED"]));
          break;
        case 7:
          later(1 + random(12));
          await app.slaMonitor!.tick();
          break;
        case 8:
          // Some marks folded, some not, in the middle of the sequence.
          await foldReports(app.db.prisma, 1 + random(5));
          break;
      }
    }
    await expectExact("random sequence");
  });

  it.skipIf(!process.env.DATABASE_URL)("a fold racing a write loses nothing", async () => {
    const database = app.config.database;
    if (database.kind !== "postgres") throw new Error("PostgreSQL only");
    const victim = await create({ priority: "LOW", channel: "WEB" });
    await foldAll(app.db.prisma);
    const writer = new pg.Client({ connectionString: database.url });
    const blocker = new pg.Client({ connectionString: database.url });
    await writer.connect();
    await blocker.connect();
    try {
      // A write the fold cannot see: still uncommitted while the fold runs and commits.
      await writer.query("BEGIN");
      await writer.query(`UPDATE "Ticket" SET priority = 'HIGH', "teamId" = $2 WHERE id = $1`, [fromGid(victim.id), teams[1]!.id]);
      expect((await foldReports(app.db.prisma)).cases).toBe(0);
      await writer.query("COMMIT");
      await expectExact("a write committed after a fold");

      // A write that commits after the fold took its snapshot but before it committed:
      // the fold waits on a rollup row held by another transaction, then the write commits.
      await blocker.query("BEGIN");
      await blocker.query(`SELECT 1 FROM "ReportRollup" WHERE metric = 'channel' FOR UPDATE`);
      await writer.query(`UPDATE "Ticket" SET channel = 'EMAIL' WHERE id = $1`, [fromGid(victim.id)]);
      const fold = foldReports(app.db.prisma);
      await waitUntilBlocked(blocker);
      // Meanwhile another fold (another instance's) finds the lock taken and says so.
      expect(await foldReports(app.db.prisma)).toEqual({ cases: 0, more: false, busy: true });
      await writer.query(`UPDATE "Ticket" SET priority = 'MEDIUM', "teamId" = $2 WHERE id = $1`, [fromGid(victim.id), teams[0]!.id]);
      await blocker.query("COMMIT");
      expect((await fold).cases).toBe(1);
      // The second write's mark outlived the fold that could not see it.
      const marks = await app.db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "ReportDirty"`;
      expect(Number(marks[0]!.n)).toBe(1);
      await expectExact("a write committed during a fold");
    } finally {
      await writer.end();
      await blocker.end();
    }
  });
});

/** The case's database id from its global id. */
function fromGid(gid: string): string {
  return Buffer.from(gid, "base64").toString().split(":")[1]!;
}

/** Waits (by polling the server's own view, not a timer's guess) until some backend waits on a lock the blocker holds. */
async function waitUntilBlocked(blocker: pg.Client) {
  const pid = (await blocker.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid as number;
  for (;;) {
    const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid]);
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
