// Delegation never widens: a credential creates and changes tokens and people only
// within its own scopes and teams, on every administrative write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedApiToken, seedTeam, seedUser } from "./helpers/seed.js";

let app: TestApp;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
/** An admin token limited to team A. */
let limited: Awaited<ReturnType<typeof seedApiToken>>;

beforeAll(async () => {
  app = await createTestApp({ slaMonitor: false });
  teamA = await seedTeam(app);
  teamB = await seedTeam(app);
  limited = await seedApiToken(app, ["admin"], [teamA.id]);
});
afterAll(() => app.close());

const CREATE_TOKEN = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) {
  __typename ... on CreateApiTokenPayload { token apiToken { scopes teams { name } } } ... on ValidationError { field message } ... on Error { code } } }`;
const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) {
  __typename ... on UserPayload { user { role teams { name } } } ... on ValidationError { field message } ... on Error { code } } }`;
const UPDATE_USER = `mutation($i: UpdateUserInput!) { updateUser(input: $i) {
  __typename ... on UserPayload { user { role } } ... on ValidationError { field message } ... on Error { code } } }`;
const ADD_MEMBER = `mutation($i: TeamMemberInput!) { addTeamMember(input: $i) {
  __typename ... on ValidationError { field message } ... on Error { code } } }`;
const REMOVE_MEMBER = `mutation($i: TeamMemberInput!) { removeTeamMember(input: $i) {
  __typename ... on ValidationError { field message } ... on Error { code } } }`;
const REVOKE = `mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { __typename ... on Error { code } } }`;

let n = 0;
const newPerson = (extra: Record<string, unknown>) => ({
  email: `delegate-${++n}@example.com`,
  name: `Delegate ${n}`,
  password: "a long passphrase",
  ...extra,
});

describe("an admin token limited to teams", () => {
  it("cannot mint a token without its team limit, or for other teams", async () => {
    const before = await app.db.prisma.apiToken.count();
    const unlimited = await app.gql(CREATE_TOKEN, { i: { name: "escape", scopes: ["admin"] } }, { token: limited.token });
    expect(unlimited.data.createApiToken).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    const otherTeam = await app.gql(
      CREATE_TOKEN,
      { i: { name: "sideways", scopes: ["tickets:read"], teamIds: [teamB.gid] } },
      { token: limited.token },
    );
    expect(otherTeam.data.createApiToken).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    const mixed = await app.gql(
      CREATE_TOKEN,
      { i: { name: "mixed", scopes: ["tickets:read"], teamIds: [teamA.gid, teamB.gid] } },
      { token: limited.token },
    );
    expect(mixed.data.createApiToken).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    expect(await app.db.prisma.apiToken.count()).toBe(before);
  });

  it("mints tokens within its own team and scopes", async () => {
    const ok = await app.gql(
      CREATE_TOKEN,
      { i: { name: "team bot", scopes: ["tickets:write"], teamIds: [teamA.gid] } },
      { token: limited.token },
    );
    expect(ok.data.createApiToken).toMatchObject({
      __typename: "CreateApiTokenPayload",
      apiToken: { scopes: ["tickets:write"], teams: [{ name: teamA.name }] },
    });
  });

  it("cannot create people who see every team or other teams' cases", async () => {
    for (const role of ["MANAGER", "ADMIN"]) {
      const wide = await app.gql(CREATE_USER, { i: newPerson({ role, teamIds: [teamA.gid] }) }, { token: limited.token });
      expect(wide.data.createUser).toMatchObject({ __typename: "ValidationError", field: "input.role" });
    }
    const other = await app.gql(CREATE_USER, { i: newPerson({ role: "AGENT", teamIds: [teamB.gid] }) }, { token: limited.token });
    expect(other.data.createUser).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    const ok = await app.gql(
      CREATE_USER,
      { i: newPerson({ role: "SUPERVISOR", teamIds: [teamA.gid], canViewContact: true }) },
      { token: limited.token },
    );
    expect(ok.data.createUser).toMatchObject({ __typename: "UserPayload", user: { role: "SUPERVISOR", teams: [{ name: teamA.name }] } });
    expect(await app.db.prisma.user.count({ where: { role: { in: ["MANAGER", "ADMIN"] }, email: { startsWith: "delegate-" } } })).toBe(0);
  });

  it("cannot raise a person's role past its reach, nor take over people beyond it", async () => {
    const agent = await seedUser(app, "AGENT", [teamA.id]);
    const raise = await app.gql(UPDATE_USER, { i: { id: agent.gid, role: "MANAGER" } }, { token: limited.token });
    expect(raise.data.updateUser).toMatchObject({ __typename: "ValidationError", field: "input.role" });
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: agent.id } })).role).toBe("AGENT");

    const admin = await seedUser(app, "ADMIN");
    const takeover = await app.gql(UPDATE_USER, { i: { id: admin.gid, password: "my own passphrase now" } }, { token: limited.token });
    expect(takeover.data.updateUser).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: admin.id } })).passwordHash).toBe("unusable");

    const elsewhere = await seedUser(app, "AGENT", [teamB.id]);
    const lock = await app.gql(UPDATE_USER, { i: { id: elsewhere.gid, active: false } }, { token: limited.token });
    expect(lock.data.updateUser).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: elsewhere.id } })).active).toBe(true);

    const rename = await app.gql(UPDATE_USER, { i: { id: agent.gid, role: "SUPERVISOR" } }, { token: limited.token });
    expect(rename.data.updateUser).toMatchObject({ __typename: "UserPayload", user: { role: "SUPERVISOR" } });
  });

  it("moves people only between its own teams", async () => {
    const agent = await seedUser(app, "AGENT", [teamA.id]);
    const join = await app.gql(ADD_MEMBER, { i: { teamId: teamB.gid, userId: agent.gid } }, { token: limited.token });
    expect(join.data.addTeamMember).toMatchObject({ __typename: "ValidationError", field: "input.teamId" });
    const outsider = await seedUser(app, "AGENT", [teamB.id]);
    const pull = await app.gql(ADD_MEMBER, { i: { teamId: teamA.gid, userId: outsider.gid } }, { token: limited.token });
    expect(pull.data.addTeamMember).toMatchObject({ __typename: "ForbiddenError" });
    const drop = await app.gql(REMOVE_MEMBER, { i: { teamId: teamB.gid, userId: outsider.gid } }, { token: limited.token });
    expect(drop.data.removeTeamMember).toMatchObject({ __typename: "ForbiddenError" });
    expect(await app.db.prisma.teamMember.count({ where: { userId: { in: [agent.id, outsider.id] } } })).toBe(2);
    const fresh = await seedUser(app, "AGENT");
    expect(
      (await app.gql(ADD_MEMBER, { i: { teamId: teamA.gid, userId: fresh.gid } }, { token: limited.token })).data.addTeamMember.__typename,
    ).toBe("TeamMembershipPayload");
  });

  it("cannot revoke credentials wider than itself", async () => {
    const global = await seedApiToken(app, ["admin"]);
    expect((await app.gql(REVOKE, { i: { id: global.gid } }, { token: limited.token })).data.revokeApiToken).toEqual({
      __typename: "ForbiddenError",
      code: "FORBIDDEN",
    });
    expect((await app.db.prisma.apiToken.findUniqueOrThrow({ where: { id: global.id } })).revokedAt).toBeNull();
    const own = await seedApiToken(app, ["tickets:read"], [teamA.id]);
    expect((await app.gql(REVOKE, { i: { id: own.gid } }, { token: limited.token })).data.revokeApiToken.__typename).toBe(
      "RevokeApiTokenPayload",
    );
  });
});

describe("what every team shares", () => {
  // Each write with an input that would succeed for an unlimited administrator.
  const shared: [field: string, query: string, variables: () => Record<string, unknown>][] = [
    ["createTeam", `mutation($i: CreateTeamInput!) { createTeam(input: $i) { __typename } }`, () => ({ i: { name: `Shared ${++n}` } })],
    [
      "upsertRoutingRule",
      `mutation($i: UpsertRoutingRuleInput!) { upsertRoutingRule(input: $i) { __typename } }`,
      () => ({
        i: { name: `R ${++n}`, position: 900 + n, runsOn: ["UPDATED"], conditions: { tags: [`shared-${n}`] }, actions: { atRisk: true } },
      }),
    ],
    [
      "upsertSlaPolicy",
      `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename } }`,
      () => ({
        i: { name: `P ${++n}`, priority: "LOW", teamId: teamA.gid, firstResponseSeconds: 60, resolutionSeconds: 600, followUpSeconds: 600 },
      }),
    ],
    [
      "upsertBusinessCalendar",
      `mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { __typename } }`,
      () => ({ i: { name: `C ${++n}`, timeZone: "UTC", weeklyHours: [] } }),
    ],
    [
      "upsertAutoReply",
      `mutation($i: UpsertAutoReplyInput!) { upsertAutoReply(input: $i) { __typename } }`,
      () => ({ i: { channel: "EMAIL", template: "Got it: {{ticket.number}}" } }),
    ],
    [
      "upsertStatusAutomation",
      `mutation($i: UpsertStatusAutomationInput!) { upsertStatusAutomation(input: $i) { __typename } }`,
      () => ({ i: { name: `A ${++n}`, status: "INFORM_CUSTOMER", afterSeconds: 60, enabled: false, actions: { addTags: ["x"] } } }),
    ],
  ];

  it("is administered by an unlimited administrator, never by an admin token limited to teams", async () => {
    const unlimited = await seedApiToken(app, ["admin"]);
    const refusedFor: string[] = [];
    for (const [field, query, variables] of shared) {
      const answer = await app.gql(query, variables(), { token: limited.token });
      if (answer.data?.[field]?.__typename === "ForbiddenError") refusedFor.push(field);
      // The same write is an administrator's to make: the refusal above is about who asked.
      expect((await app.gql(query, variables(), { token: unlimited.token })).data[field].__typename, field).not.toMatch(/Error$/);
    }
    expect(refusedFor).toEqual(shared.map(([field]) => field));
  });

  it("keeps every token, every Slack link and imports from an admin token limited to teams", async () => {
    const person = await seedUser(app, "ADMIN");
    const link = await app.gql(
      `mutation($i: LinkSlackUserInput!) { linkSlackUser(input: $i) { __typename } }`,
      { i: { userId: person.gid, slackUserId: "U0TAKEOVER" } },
      { token: limited.token },
    );
    // Linking an administrator to one's own Slack member would let the token act as them.
    expect(link.data.linkSlackUser.__typename).toBe("ForbiddenError");
    expect((await app.db.prisma.user.findUniqueOrThrow({ where: { id: person.id } })).slackUserId).toBeNull();
    const history = await app.gql(`{ slackLinkEvents(first: 5) { edges { cursor } } }`, {}, { token: limited.token });
    expect(history.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const imported = await app.yoga.fetch("http://caseflow.test/import/tickets.csv?dryRun=true", {
      method: "POST",
      headers: { authorization: `Bearer ${limited.token}`, "content-type": "text/csv" },
      body: "title,teamName\nACC-1 imported,Other\n",
    });
    expect(imported.status).toBe(403);
  });
});

describe("the list of API tokens", () => {
  const LIST = `{ apiTokens(first: 100) { totalCount edges { node { id } } } }`;
  const listed = async (token: string) => {
    const { apiTokens } = (await app.gql(LIST, {}, { token })).data;
    return { ids: apiTokens.edges.map((e: { node: { id: string } }) => e.node.id) as string[], total: apiTokens.totalCount as number };
  };

  it("holds every token for an unlimited administrator, and only its own teams' for an admin token limited to teams", async () => {
    const own = await seedApiToken(app, ["tickets:read"], [teamA.id]);
    const other = await seedApiToken(app, ["tickets:read"], [teamB.id]);
    const both = await seedApiToken(app, ["tickets:read"], [teamA.id, teamB.id]);
    const unlimited = await seedApiToken(app, ["admin"]);
    const everything = await listed(unlimited.token);
    expect(everything.ids).toEqual(expect.arrayContaining([own.gid, other.gid, both.gid, unlimited.gid, limited.gid]));
    const mine = await listed(limited.token);
    expect(mine.ids).toContain(own.gid);
    expect(mine.ids).toContain(limited.gid);
    for (const beyond of [other, both, unlimited]) expect(mine.ids).not.toContain(beyond.gid);
    expect(mine.total).toBe(mine.ids.length);
  });
});

describe("an administrator", () => {
  it("grants contact access only when it has it", async () => {
    const admin = await seedUser(app, "ADMIN");
    const token = await app.gql(CREATE_TOKEN, { i: { name: "contacts", scopes: ["contacts:read"] } }, { token: admin.token });
    expect(token.data.createApiToken).toMatchObject({ __typename: "ValidationError", field: "input.scopes" });
    const person = await app.gql(CREATE_USER, { i: newPerson({ role: "AGENT", canViewContact: true }) }, { token: admin.token });
    expect(person.data.createUser).toMatchObject({ __typename: "ValidationError", field: "input.canViewContact" });
    const self = await app.gql(UPDATE_USER, { i: { id: admin.gid, canViewContact: true } }, { token: admin.token });
    expect(self.data.updateUser).toMatchObject({ __typename: "ValidationError", field: "input.canViewContact" });

    const trusted = await seedUser(app, "ADMIN", [], { canViewContact: true });
    const granted = await app.gql(CREATE_TOKEN, { i: { name: "contacts", scopes: ["contacts:read", "admin"] } }, { token: trusted.token });
    expect(granted.data.createApiToken).toMatchObject({ __typename: "CreateApiTokenPayload", apiToken: { teams: [] } });
    const manager = await app.gql(CREATE_USER, { i: newPerson({ role: "MANAGER", canViewContact: true }) }, { token: trusted.token });
    expect(manager.data.createUser).toMatchObject({ __typename: "UserPayload", user: { role: "MANAGER" } });
  });

  it("with an unlimited admin token, creates anything", async () => {
    const global = await seedApiToken(app, ["admin"]);
    const token = await app.gql(CREATE_TOKEN, { i: { name: "all", scopes: ["admin"] } }, { token: global.token });
    expect(token.data.createApiToken.__typename).toBe("CreateApiTokenPayload");
    const admin = await app.gql(CREATE_USER, { i: newPerson({ role: "ADMIN", canViewContact: true }) }, { token: global.token });
    expect(admin.data.createUser.__typename).toBe("UserPayload");
  });
});
