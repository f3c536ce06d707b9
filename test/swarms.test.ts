import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let payments: Awaited<ReturnType<typeof seedTeam>>;
let tech: Awaited<ReturnType<typeof seedTeam>>;
let owner: TestUser;
let colleague: TestUser;
let expert: TestUser;
let busyExpert: TestUser;
let novice: TestUser;

const START = `mutation($i: StartSwarmInput!) { startSwarm(input: $i) {
  __typename ... on SwarmPayload { swarm { id status skills owner { id } members { user { id } } } ticket { assignee { id } } }
  ... on Error { code message } ... on ValidationError { field } } }`;
const JOIN = `mutation($i: SwarmInput!) { joinSwarm(input: $i) { __typename ... on SwarmPayload { swarm { members { user { name } } } ticket { number } } ... on Error { code message } } }`;
const LEAVE = `mutation($i: SwarmInput!) { leaveSwarm(input: $i) { __typename ... on SwarmPayload { swarm { members { user { name } } } } ... on Error { code message } } }`;
const POST = `mutation($i: PostSwarmMessageInput!) { postSwarmMessage(input: $i) { __typename ... on SwarmPayload { swarm { thread { body author { name } } } } ... on Error { code message } } }`;
const CLOSE = `mutation($i: CloseSwarmInput!) { closeSwarm(input: $i) { __typename ... on SwarmPayload { swarm { status closedAt thread { body } } ticket { assignee { id } } } ... on Error { code message } ... on ValidationError { field } } }`;
const FINDER = `query($id: ID!, $skills: [String!], $first: Int) { expertFinder(ticketId: $id, skills: $skills, first: $first) {
  user { name } score skillMatch availability inWorkingHours openCases activeSwarms loadScore matchedSkills { skill level } missingSkills } }`;
const PROFILE = `mutation($i: UpdateWorkProfileInput!) { updateWorkProfile(input: $i) {
  __typename ... on WorkProfilePayload { user { availability timeZone skills { skill level } workingHours { day start end } } } ... on Error { code message } ... on ValidationError { field } } }`;

let port: number;

beforeAll(async () => {
  app = await createTestApp();
  ({ port } = await app.start(0));
  payments = await seedTeam(app, "CS-Payment");
  tech = await seedTeam(app, "Tech-Experts");
  owner = await seedUser(app, "AGENT", [payments.id], { name: "Owner" });
  colleague = await seedUser(app, "AGENT", [payments.id], { name: "Colleague" });
  expert = await seedUser(app, "AGENT", [tech.id], { name: "Expert" });
  busyExpert = await seedUser(app, "AGENT", [tech.id], { name: "Busy expert" });
  novice = await seedUser(app, "AGENT", [tech.id], { name: "Novice" });
  for (const [user, skills, availability] of [
    [
      expert,
      [
        { skill: "payments", level: 8 },
        { skill: "refunds", level: 6 },
      ],
      "AVAILABLE",
    ],
    [
      busyExpert,
      [
        { skill: "payments", level: 10 },
        { skill: "refunds", level: 10 },
      ],
      "BUSY",
    ],
    [novice, [{ skill: "payments", level: 2 }], "AVAILABLE"],
  ] as const) {
    const result = await app.gql(PROFILE, { i: { availability, skills } }, { token: user.token });
    expect(result.data.updateWorkProfile.__typename).toBe("WorkProfilePayload");
  }
});
afterAll(() => app.close());

async function assignedCase() {
  const ticket = await createTicketVia(app, owner.token, { teamId: payments.gid, assigneeId: owner.gid });
  await moveVia(app, owner.token, { id: ticket.id, to: "NOT_STARTED" });
  return ticket;
}

describe("work profile", () => {
  it("is kept by its person; others are refused; bad hours and levels name the field", async () => {
    const me = await app.gql(
      PROFILE,
      { i: { timeZone: "Asia/Shanghai", workingHours: [{ day: 1, start: "09:00", end: "18:00" }] } },
      { token: colleague.token },
    );
    expect(me.data.updateWorkProfile.user).toMatchObject({
      timeZone: "Asia/Shanghai",
      workingHours: [{ day: 1, start: "09:00", end: "18:00" }],
    });
    expect(
      (await app.gql(PROFILE, { i: { userId: owner.gid, availability: "AWAY" } }, { token: colleague.token })).data.updateWorkProfile
        .__typename,
    ).toBe("ForbiddenError");
    expect(
      (await app.gql(PROFILE, { i: { skills: [{ skill: "kyc", level: 11 }] } }, { token: colleague.token })).data.updateWorkProfile,
    ).toMatchObject({ field: "input.skills.0.level" });
    expect(
      (await app.gql(PROFILE, { i: { workingHours: [{ day: 1, start: "18:00", end: "09:00" }] } }, { token: colleague.token })).data
        .updateWorkProfile,
    ).toMatchObject({ field: "input.workingHours.0.end" });
    expect((await app.gql(PROFILE, { i: { timeZone: "Mars/Olympus" } }, { token: colleague.token })).data.updateWorkProfile).toMatchObject({
      field: "input.timeZone",
    });
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(row.availability).toBe("AVAILABLE");
  });
});

describe("expert finder", () => {
  it("ranks colleagues by skill, availability and load, showing the parts", async () => {
    const ticket = await assignedCase();
    // Give the busy expert some open cases so load shows.
    for (let i = 0; i < 2; i++) await createTicketVia(app, busyExpert.token, { teamId: tech.gid, assigneeId: busyExpert.gid });
    const { data } = await app.gql(FINDER, { id: ticket.id, skills: ["payments", "refunds"] }, { token: owner.token });
    expect(data.expertFinder.map((m: any) => m.user.name)).toEqual(["Busy expert", "Expert", "Novice"]);
    // Expert: 0.6·0.7 + 0.25·1 + 0.15·1 = 0.82. Busy (2 open cases): 0.6·1 + 0.25·0.5 + 0.15·0.8 = 0.845.
    expect(data.expertFinder[1]).toMatchObject({
      score: 0.82,
      skillMatch: 0.7,
      availability: 1,
      openCases: 0,
      loadScore: 1,
      missingSkills: [],
    });
    expect(data.expertFinder[0]).toMatchObject({ skillMatch: 1, availability: 0.5, openCases: 2, loadScore: 0.8, score: 0.845 });
    expect(data.expertFinder[2]).toMatchObject({ matchedSkills: [{ skill: "payments", level: 2 }], missingSkills: ["refunds"] });
  });
});

describe("swarms", () => {
  it("are opened by the case owner, joined by experts who may then read the case, and closed with the owner still assigned", async () => {
    const ticket = await assignedCase();
    expect(
      (
        await app.gql(
          START,
          { i: { ticketId: ticket.id, reason: "refund stuck at gateway", skills: ["payments"] } },
          { token: colleague.token },
        )
      ).data.startSwarm.__typename,
    ).toBe("ForbiddenError");
    const started = await app.gql(
      START,
      { i: { ticketId: ticket.id, reason: "refund stuck at gateway", skills: ["Payments", "refunds"] } },
      { token: owner.token },
    );
    const swarm = started.data.startSwarm.swarm;
    expect(swarm).toMatchObject({
      status: "OPEN",
      skills: ["payments", "refunds"],
      owner: { id: owner.gid },
      members: [{ user: { id: owner.gid } }],
    });
    expect(
      (await app.gql(START, { i: { ticketId: ticket.id, reason: "again", skills: ["payments"] } }, { token: owner.token })).data.startSwarm,
    ).toMatchObject({ field: "input.ticketId" });
    expect(
      (await app.gql(START, { i: { ticketId: ticket.id, reason: " ", skills: [] } }, { token: owner.token })).data.startSwarm,
    ).toMatchObject({ __typename: "ValidationError" });
    expect(
      (await app.gql(START, { i: { ticketId: ticket.id, reason: "x", skills: ["no spaces allowed"] } }, { token: owner.token })).data
        .startSwarm,
    ).toMatchObject({ field: "input.skills.0" });
    expect((await app.gql(FINDER, { id: ticket.id, first: 500 }, { token: owner.token })).errors?.[0]?.extensions?.field).toBe("first");

    // The expert finder defaults to the swarm's skills.
    const found = await app.gql(FINDER, { id: ticket.id, first: 1 }, { token: owner.token });
    expect(found.data.expertFinder).toHaveLength(1);

    const readCase = async (token: string) =>
      (await app.gql(`query($id: ID!) { ticket(id: $id) { number } }`, { id: ticket.id }, { token })).data?.ticket;
    expect(await readCase(expert.token)).toBeNull();
    // Not in the swarm: no posting.
    expect((await app.gql(POST, { i: { swarmId: swarm.id, body: "hi" } }, { token: expert.token })).data.postSwarmMessage.__typename).toBe(
      "ForbiddenError",
    );
    const joined = await app.gql(JOIN, { i: { swarmId: swarm.id } }, { token: expert.token });
    expect(joined.data.joinSwarm).toMatchObject({
      swarm: { members: [{ user: { name: "Owner" } }, { user: { name: "Expert" } }] },
      ticket: { number: ticket.number },
    });
    expect(await readCase(expert.token)).toEqual({ number: ticket.number });
    // Reading is not owning: a swarm member may not move the case.
    expect((await moveVia(app, expert.token, { id: ticket.id, to: "TEAM_CHECKING" })).__typename).toBe("ForbiddenError");

    const posted = await app.gql(
      POST,
      { i: { swarmId: swarm.id, body: "Gateway shows the refund as pending; card 4111 1111 1111 1111" } },
      { token: expert.token },
    );
    expect(posted.data.postSwarmMessage.swarm.thread).toEqual([
      { body: "Gateway shows the refund as pending; card [REDACTED CARD NUMBER]", author: { name: "Expert" } },
    ]);

    await app.gql(JOIN, { i: { swarmId: swarm.id } }, { token: novice.token });
    const left = await app.gql(LEAVE, { i: { swarmId: swarm.id } }, { token: novice.token });
    expect(left.data.leaveSwarm.swarm.members.map((m: any) => m.user.name)).toEqual(["Owner", "Expert"]);
    expect((await app.gql(LEAVE, { i: { swarmId: swarm.id } }, { token: owner.token })).data.leaveSwarm.__typename).toBe("ValidationError");

    expect((await app.gql(CLOSE, { i: { swarmId: swarm.id } }, { token: expert.token })).data.closeSwarm.__typename).toBe("ForbiddenError");
    const closed = await app.gql(
      CLOSE,
      { i: { swarmId: swarm.id, summary: "Vendor-side delay; refund will land tomorrow" } },
      { token: owner.token },
    );
    expect(closed.data.closeSwarm).toMatchObject({
      swarm: { status: "CLOSED", closedAt: expect.any(String) },
      ticket: { assignee: { id: owner.gid } },
    });
    expect(closed.data.closeSwarm.swarm.thread.map((c: any) => c.body)).toHaveLength(2);
    expect((await app.gql(POST, { i: { swarmId: swarm.id, body: "late" } }, { token: owner.token })).data.postSwarmMessage).toMatchObject({
      __typename: "ValidationError",
    });
    // With the swarm closed, the expert's access to the case ends.
    expect(await readCase(expert.token)).toBeNull();
    const events = await app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number: ticket.number }, type: { in: ["SWARM_STARTED", "SWARM_CLOSED"] } },
    });
    expect(events.map((e) => e.type).sort()).toEqual(["SWARM_CLOSED", "SWARM_STARTED"]);
  });

  it("show a member the case's live events on a connection opened before joining", async () => {
    const ticket = await assignedCase();
    const started = await app.gql(
      START,
      { i: { ticketId: ticket.id, reason: "gateway timeout", skills: ["payments"] } },
      { token: owner.token },
    );
    const client = wsClient(port, expert.token);
    try {
      const EVENTS = `subscription { ticketEvents { type ticket { number } } }`;
      // Opened before joining: the case is not the expert's to see yet.
      const before = await subscribeWs(client, EVENTS);
      expect(
        (await app.gql(JOIN, { i: { swarmId: started.data.startSwarm.swarm.id } }, { token: expert.token })).data.joinSwarm.__typename,
      ).toBe("SwarmPayload");
      const after = await subscribeWs(client, EVENTS);
      expect((await moveVia(app, owner.token, { id: ticket.id, to: "TEAM_CHECKING" })).__typename).toBe("TransitionTicketPayload");
      const [event] = await after.waitForMatching((e) => e.ticketEvents.ticket.number === ticket.number, 1);
      expect(event!.ticketEvents.type).toBe("STATUS_CHANGED");
      // A stream keeps the permissions it started with.
      expect(before.received.some((e) => e.ticketEvents.ticket.number === ticket.number)).toBe(false);
    } finally {
      await client.dispose();
    }
  });
});
