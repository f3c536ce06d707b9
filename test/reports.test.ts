// Report figures against values computed by hand for a small, fixed history. Time is
// moved with the app's clock, so every duration below is exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser, TRANSITION } from "./helpers/seed.js";
import { REPORT } from "./report-reference.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let manager: TestUser;
let supervisor: TestUser;
let T0 = 0;
let elapsed = 0;

/** Moves the clock to T0 + `seconds`. */
const at = (seconds: number) => {
  app.clock.advance(seconds - elapsed);
  elapsed = seconds;
};

beforeAll(async () => {
  // The monitor only runs when the test says so, at the instants the test chooses.
  app = await createTestApp({ slaMonitorIntervalMs: 60_000 });
  // Time moves only when the test moves it: the durations below are exact to the second.
  app.clock.freeze();
  team = await seedTeam(app, "CS-Payment");
  agent = await seedUser(app, "AGENT", [team.id], { name: "Zhang Wei" });
  manager = await seedUser(app, "MANAGER");
  supervisor = await seedUser(app, "SUPERVISOR", [team.id]);

  // D: before the period; still open.
  await createTicketVia(app, agent.token, { teamId: team.gid, priority: "LOW", channel: "APP" });
  app.clock.advance(3600);
  T0 = app.clock.now().getTime();

  const close = async (id: string, resolution: string) => {
    const result = await app.gql(
      TRANSITION.replace("... on TransitionTicketPayload {", "... on TransitionTicketPayload { surveyToken"),
      { input: { id, to: "DONE", resolution } },
      { token: agent.token },
    );
    return result.data.transitionTicket.surveyToken as string;
  };
  const answer = (token: string, rating: string) =>
    app.gql(`mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { __typename } }`, { i: { token, rating } });

  // A: HIGH, first response after 600 s, answer after 1,200 s, closed, customer satisfied.
  at(0);
  const a = await createTicketVia(app, agent.token, {
    teamId: team.gid,
    priority: "HIGH",
    channel: "WECHAT",
    type: "INQUIRY",
    tags: ["refund", "vip"],
    subcategory: "refund",
  });
  await moveVia(app, agent.token, { id: a.id, to: "NOT_STARTED" });
  // B: HIGH, submitted at 100 s; its 1,800 s first response is missed at 1,900 s.
  at(100);
  const b = await createTicketVia(app, agent.token, {
    teamId: team.gid,
    priority: "HIGH",
    channel: "EMAIL",
    type: "COMPLAINT",
    tags: ["refund"],
    subcategory: "refund",
  });
  await moveVia(app, agent.token, { id: b.id, to: "NOT_STARTED" });
  at(600);
  await moveVia(app, agent.token, { id: a.id, to: "TEAM_CHECKING" });
  at(1200);
  await moveVia(app, agent.token, { id: a.id, to: "INFORM_CUSTOMER", note: "refund sent" });
  at(1300);
  await answer(await close(a.id, "refunded"), "SATISFIED");
  at(2000);
  expect(await app.slaMonitor!.tick()).toBeGreaterThanOrEqual(1);
  expect((await moveVia(app, agent.token, { id: b.id, to: "TEAM_CHECKING", breachReason: "bank holiday backlog" })).__typename).toBe(
    "TransitionTicketPayload",
  );
  at(2100);
  await moveVia(app, agent.token, { id: b.id, to: "INFORM_CUSTOMER", note: "charge reversed" });
  at(2200);
  await answer(await close(b.id, "reversed"), "UNSATISFIED");
  at(2300);
  await moveVia(app, agent.token, { id: b.id, to: "NOT_STARTED", note: "charged again" });
  // C: MEDIUM, open and assigned.
  at(2400);
  await createTicketVia(app, agent.token, {
    teamId: team.gid,
    priority: "MEDIUM",
    channel: "WECHAT",
    type: "INQUIRY",
    tags: ["vip"],
    assigneeId: agent.gid,
  });
});
afterAll(() => app.close());

const period = () => ({ from: new Date(T0).toISOString(), to: new Date(T0 + 86_400_000).toISOString() });

describe("report", () => {
  it("matches the figures computed by hand", async () => {
    const result = await app.gql(REPORT, { period: period(), teamId: team.gid }, { token: manager.token });
    expect(result.errors).toBeUndefined();
    expect(result.data.report).toEqual({
      totalCases: 3,
      byChannel: [
        { key: "WECHAT", count: 2 },
        { key: "EMAIL", count: 1 },
      ],
      byType: [
        { key: "INQUIRY", count: 2 },
        { key: "COMPLAINT", count: 1 },
      ],
      topTags: [
        { key: "refund", count: 2 },
        { key: "vip", count: 2 },
      ],
      topSubcategories: [{ key: "refund", count: 2 }],
      // A answered in 600 s, B in 1,900 s: mean 1,250; p90 = 600 + 0.9 × 1,300.
      firstResponse: { count: 2, averageSeconds: 1250, p90Seconds: 1770 },
      // A 1,200 s, B 2,000 s (pauses excluded): mean 1,600; p90 = 1,200 + 0.9 × 800.
      resolution: { count: 2, averageSeconds: 1600, p90Seconds: 1920 },
      // A's two targets and B's resolution kept; B's first response missed.
      slaAttainment: [{ priority: "HIGH", kept: 3, missed: 1, share: 0.75 }],
      csat: { answered: 2, satisfied: 1, neutral: 0, unsatisfied: 1, satisfiedShare: 0.5 },
      closed: 2,
      reopened: 1,
      reopenRate: 0.5,
      agentLoad: [{ name: "Zhang Wei", openCases: 1 }],
      // B (reopened), C and D, the case from before the period.
      teamLoad: [{ name: "CS-Payment", openCases: 3 }],
      openCases: 3,
      resolvedLastFourWeeks: 2,
      // 3 open ÷ (2 resolved / 4 weeks).
      backlogRatio: 6,
    });
  });

  it("is for managers, supervisors of the team and report tokens", async () => {
    const byAgent = await app.gql(REPORT, { period: period(), teamId: team.gid }, { token: agent.token });
    expect(byAgent.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bySupervisorAllTeams = await app.gql(REPORT, { period: period() }, { token: supervisor.token });
    expect(bySupervisorAllTeams.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await app.gql(REPORT, { period: period(), teamId: team.gid }, { token: supervisor.token })).data.report.totalCases).toBe(3);
    const bot = await seedApiToken(app, ["reports:read"]);
    expect((await app.gql(REPORT, { period: period() }, { token: bot.token })).data.report.totalCases).toBeGreaterThanOrEqual(3);
    const reader = await seedApiToken(app, ["tickets:read"]);
    expect((await app.gql(REPORT, { period: period() }, { token: reader.token })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("gives a report token limited to teams its own teams only, and names teamId otherwise", async () => {
    const elsewhere = await seedTeam(app);
    const limited = await seedApiToken(app, ["reports:read"], [team.id]);
    const ask = (teamId?: string) => app.gql(REPORT, { period: period(), ...(teamId ? { teamId } : {}) }, { token: limited.token });
    expect((await ask(team.gid)).data.report.totalCases).toBe(3);
    for (const refused of [await ask(), await ask(elsewhere.gid)]) {
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "teamId" } });
    }
  });

  it("refuses a reversed or overlong period, naming it", async () => {
    const reversed = await app.gql(REPORT, { period: { from: period().to, to: period().from } }, { token: manager.token });
    expect(reversed.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "period.to" } });
    const long = await app.gql(REPORT, { period: { from: "2020-01-01T00:00:00Z", to: "2022-01-01T00:00:00Z" } }, { token: manager.token });
    expect(long.errors?.[0]).toMatchObject({ extensions: { code: "VALIDATION", field: "period" } });
  });
});
