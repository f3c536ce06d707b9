// SLA policies per channel, through the API: a chat answered within a minute while other
// channels keep the priority's default, warned and breached on the injected clock (frozen;
// the monitor scans when the test ticks it), and the save refusing what would be ambiguous.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let admin: TestUser;
let chatPolicyId: string;

const UPSERT = `mutation($i: UpsertSlaPolicyInput!) {
  upsertSlaPolicy(input: $i) {
    __typename
    ... on SlaPolicyPayload { slaPolicy { id name channels firstResponseSeconds } }
    ... on ValidationError { field message }
  }
}`;
const SLA = `query($id: ID!) { ticket(id: $id) { channel sla { targets { kind state remainingSeconds breachedAt } } } }`;

const CHAT_POLICY = {
  name: "Chat HIGH",
  priority: "HIGH",
  channels: ["CHAT"],
  firstResponseSeconds: 60,
  resolutionSeconds: 3600,
  followUpSeconds: 3600,
  warningBeforeSeconds: 30,
};

const upsert = async (input: Record<string, unknown>) =>
  (await app.gql(UPSERT, { i: input }, { token: admin.token })).data?.upsertSlaPolicy;
const firstResponse = async (id: string) =>
  (await app.gql(SLA, { id }, { token: agent.token })).data.ticket.sla.targets.find((t: any) => t.kind === "FIRST_RESPONSE");
/** Submitted cases of the channel; their clocks start now. */
const submitted = async (channel: string) => {
  const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH", channel });
  expect((await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
  return ticket;
};
/** The SLA alerts recorded for a case, oldest first, as TARGET:TYPE. */
const alertsOf = async (number: string) =>
  (
    await app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number }, type: { in: ["SLA_WARNING", "SLA_BREACHED"] } },
      orderBy: { seq: "asc" },
    })
  ).map((e) => `${(e.after as { target: string }).target}:${e.type}`);

beforeAll(async () => {
  app = await createTestApp({ slaMonitorIntervalMs: 3_600_000 });
  app.clock.freeze();
  team = await seedTeam(app, "Chat-Desk");
  agent = await seedUser(app, "AGENT", [team.id]);
  admin = await seedUser(app, "ADMIN");
  const saved = await upsert(CHAT_POLICY);
  expect(saved).toMatchObject({
    __typename: "SlaPolicyPayload",
    slaPolicy: { name: "Chat HIGH", channels: ["CHAT"], firstResponseSeconds: 60 },
  });
  chatPolicyId = saved.slaPolicy.id;
});
afterAll(() => app.close());

describe("SLA policies per channel", () => {
  it("a CHAT case's first response runs on the chat budget; a WECHAT case of the same priority keeps the default", async () => {
    const chat = await submitted("CHAT");
    const wechat = await submitted("WECHAT");
    expect(await firstResponse(chat.id)).toMatchObject({ state: "ON_TRACK", remainingSeconds: 60 });
    // The seeded HIGH default: 30 minutes.
    expect(await firstResponse(wechat.id)).toMatchObject({ state: "ON_TRACK", remainingSeconds: 1800 });
  });

  it("a 60-second target warns at 30 s and breaches at 60 s, once each, not a scan before", async () => {
    const chat = await submitted("CHAT");
    const wechat = await submitted("WECHAT");
    app.clock.advance(29);
    await app.slaMonitor!.tick();
    expect(await alertsOf(chat.number)).toEqual([]);
    expect((await firstResponse(chat.id)).state).toBe("ON_TRACK");
    app.clock.advance(1);
    await app.slaMonitor!.tick();
    expect(await alertsOf(chat.number)).toEqual(["FIRST_RESPONSE:SLA_WARNING"]);
    expect(await firstResponse(chat.id)).toMatchObject({ state: "AT_RISK", remainingSeconds: 30 });
    app.clock.advance(29);
    await app.slaMonitor!.tick();
    expect(await alertsOf(chat.number)).toEqual(["FIRST_RESPONSE:SLA_WARNING"]);
    app.clock.advance(1);
    await app.slaMonitor!.tick();
    // Scans at and after the due instant fire the breach once.
    await app.slaMonitor!.tick();
    app.clock.advance(60);
    await app.slaMonitor!.tick();
    expect(await alertsOf(chat.number)).toEqual(["FIRST_RESPONSE:SLA_WARNING", "FIRST_RESPONSE:SLA_BREACHED"]);
    expect((await firstResponse(chat.id)).state).toBe("BREACHED");
    // Two minutes on, the WECHAT case of the same priority is nowhere near its 30 minutes.
    expect(await alertsOf(wechat.number)).toEqual([]);
    expect(await firstResponse(wechat.id)).toMatchObject({ state: "ON_TRACK", remainingSeconds: 1800 - 120 });
  });

  it("a channel-only policy beats a team policy; a team policy for the channel beats both", async () => {
    const teamPolicy = { ...CHAT_POLICY, name: "Chat-Desk HIGH", channels: [], teamId: team.gid, firstResponseSeconds: 900 };
    expect((await upsert(teamPolicy)).__typename).toBe("SlaPolicyPayload");
    expect((await firstResponse((await submitted("CHAT")).id)).remainingSeconds).toBe(60);
    expect((await firstResponse((await submitted("EMAIL")).id)).remainingSeconds).toBe(900);
    const teamChat = { ...teamPolicy, name: "Chat-Desk HIGH chat", channels: ["CHAT", "PHONE"], firstResponseSeconds: 45 };
    expect((await upsert(teamChat)).__typename).toBe("SlaPolicyPayload");
    expect((await firstResponse((await submitted("CHAT")).id)).remainingSeconds).toBe(45);
    expect((await firstResponse((await submitted("PHONE")).id)).remainingSeconds).toBe(45);
  });

  it("keeps channels as a set, lists them on the policy, and leaves the seeded defaults for any channel", async () => {
    const saved = await upsert({ ...CHAT_POLICY, name: "Phone LOW", priority: "LOW", channels: ["PHONE", "APP", "PHONE"] });
    expect(saved.slaPolicy.channels).toEqual(["APP", "PHONE"]);
    const list = await app.gql(`{ slaPolicies { edges { node { name channels firstResponseSeconds } } } }`, {}, { token: admin.token });
    const byName = new Map(list.data.slaPolicies.edges.map(({ node }: any) => [node.name, node]));
    expect(byName.get("Default HIGH")).toEqual({ name: "Default HIGH", channels: [], firstResponseSeconds: 1800 });
    expect(byName.get("Phone LOW")).toMatchObject({ channels: ["APP", "PHONE"] });
  });
});

describe("bad input names the field", () => {
  it("an unknown channel", async () => {
    const result = await app.gql(UPSERT, { i: { ...CHAT_POLICY, name: "Fax", channels: ["FAX"] } }, { token: admin.token });
    expect(result.data).toBeFalsy();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "i.channels[0]" });
  });

  it("a policy sharing a channel with another of the same priority, team and tier", async () => {
    const refused = await upsert({ ...CHAT_POLICY, name: "Chat and e-mail HIGH", channels: ["EMAIL", "CHAT"] });
    expect(refused).toMatchObject({ __typename: "ValidationError", field: "input.channels" });
    expect(refused.message).toContain('"Chat HIGH" already covers CHAT');
    // Other channels, or the same channel for a team, are other scopes.
    expect((await upsert({ ...CHAT_POLICY, name: "E-mail HIGH", channels: ["EMAIL"] })).__typename).toBe("SlaPolicyPayload");
    // Changing a policy does not collide with itself.
    const changed = await upsert({ ...CHAT_POLICY, id: chatPolicyId, channels: ["CHAT", "SLACK"] });
    expect(changed).toMatchObject({ __typename: "SlaPolicyPayload", slaPolicy: { channels: ["CHAT", "SLACK"] } });
  });

  it("a second policy for any channel of the same scope", async () => {
    const refused = await upsert({ ...CHAT_POLICY, name: "Another HIGH", channels: [] });
    expect(refused).toMatchObject({ __typename: "ValidationError", field: "input.priority" });
    expect(refused.message).toContain('"Default HIGH"');
  });
});
