// Objects are visible only to whom their own rules say, however they are reached:
// `node`/`nodes` by global id, an incident's timeline, search.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, gid, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
let agentA: TestUser;
let agentB: TestUser;
let ticketA: Awaited<ReturnType<typeof createTicketVia>>;
let ticketB: Awaited<ReturnType<typeof createTicketVia>>;

beforeAll(async () => {
  app = await createTestApp({ slaMonitor: false });
  teamA = await seedTeam(app);
  teamB = await seedTeam(app);
  agentA = await seedUser(app, "AGENT", [teamA.id]);
  agentB = await seedUser(app, "AGENT", [teamB.id]);
  ticketA = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
  ticketB = await createTicketVia(app, agentB.token, { teamId: teamB.gid });
});
afterAll(() => app.close());

const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Ticket { number } ... on Macro { name } ... on Incident { title } } }`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Ticket { number } } }`;
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("node and nodes", () => {
  it("answer null, without an error, for hidden, unknown and malformed ids alike", async () => {
    const ids = {
      hidden: ticketB.id,
      unknown: gid("Ticket", randomUUID()),
      notUuid: gid("Ticket", "42"),
      notNodeType: gid("Comment", randomUUID()),
      unknownType: gid("Spaceship", randomUUID()),
      notBase64: "!!!",
      noColon: b64("Ticket"),
      empty: "",
    };
    for (const [what, id] of Object.entries(ids)) {
      const result = await app.gql(NODE, { id }, { token: agentA.token });
      expect({ what, status: result.status, errors: result.errors, node: result.data?.node }).toEqual({
        what,
        status: 200,
        errors: undefined,
        node: null,
      });
    }
    const many = await app.gql(NODES, { ids: [ticketA.id, ...Object.values(ids), ticketA.id] }, { token: agentA.token });
    expect(many.errors).toBeUndefined();
    expect(many.data.nodes).toEqual([
      { __typename: "Ticket", id: ticketA.id, number: ticketA.number },
      ...Object.values(ids).map(() => null),
      { __typename: "Ticket", id: ticketA.id, number: ticketA.number },
    ]);
  });

  it("shows what the viewer may see", async () => {
    expect((await app.gql(NODE, { id: ticketB.id }, { token: agentB.token })).data.node).toMatchObject({ number: ticketB.number });
  });

  it("shows a macro only to whom the macro rules say", async () => {
    const owner = await seedUser(app, "AGENT", [teamB.id]);
    const macros = {
      team: await app.db.prisma.macro.create({
        data: { name: "B team macro", visibility: "TEAM", teamId: teamB.id, actions: { addTags: ["b"] } },
      }),
      personal: await app.db.prisma.macro.create({
        data: { name: "Owner's own", visibility: "PERSONAL", ownerId: owner.id, actions: { addTags: ["p"] } },
      }),
      global: await app.db.prisma.macro.create({ data: { name: "For all", visibility: "GLOBAL", actions: { addTags: ["g"] } } }),
    };
    const seen = async (token: string) => {
      const names: string[] = [];
      for (const macro of Object.values(macros)) {
        const result = await app.gql(NODE, { id: gid("Macro", macro.id) }, { token });
        expect(result.errors).toBeUndefined();
        if (result.data.node) names.push(result.data.node.name);
      }
      return names;
    };
    expect(await seen(agentA.token)).toEqual(["For all"]);
    expect(await seen(agentB.token)).toEqual(["B team macro", "For all"]);
    expect(await seen(owner.token)).toEqual(["B team macro", "Owner's own", "For all"]);
    expect(await seen((await seedApiToken(app, ["tickets:read"], [teamA.id])).token)).toEqual(["For all"]);
    expect(await seen((await seedApiToken(app, ["tickets:read"], [teamB.id])).token)).toEqual(["B team macro", "For all"]);
    expect(await seen((await seedUser(app, "MANAGER")).token)).toEqual(["B team macro", "For all"]);
  });

  it("shows incidents only to those who read cases", async () => {
    const incident = await app.db.prisma.incident.create({
      data: { title: "Gateway down", severity: 2, teams: { create: { teamId: teamB.id } } },
    });
    const id = gid("Incident", incident.id);
    expect((await app.gql(NODE, { id }, { token: agentA.token })).data.node).toMatchObject({ title: "Gateway down" });
    const noReader = await app.gql(NODE, { id }, { token: (await seedApiToken(app, ["contacts:read"])).token });
    expect({ errors: noReader.errors, node: noReader.data.node }).toEqual({ errors: undefined, node: null });
  });
});

describe("search", () => {
  it("takes % and _ literally in case, people and tag searches", async () => {
    const agent = await seedUser(app, "AGENT", [teamA.id], { name: "Zhao 100%_match" });
    await seedUser(app, "AGENT", [teamA.id], { name: "Zhao 100xymatch" });
    const literal = await createTicketVia(app, agentA.token, {
      teamId: teamA.gid,
      accountId: "ACC-777",
      title: "ACC-777 refund 100%_back",
    });
    await createTicketVia(app, agentA.token, { teamId: teamA.gid, accountId: "ACC-778", title: "ACC-778 refund 100 percent back" });
    const cases = async (search: string) =>
      (
        await app.gql(
          `query($s: String) { tickets(first: 50, filter: { search: $s }) { edges { node { number } } } }`,
          { s: search },
          { token: agentA.token },
        )
      ).data.tickets.edges.map((e: any) => e.node.number);
    expect(await cases("%")).toEqual([literal.number]);
    expect(await cases("_")).toEqual([literal.number]);
    expect(await cases("100%_back")).toEqual([literal.number]);
    expect(await cases("refund 100%")).toEqual([literal.number]);
    expect(await cases("\\")).toEqual([]);

    const people = async (search: string) =>
      (
        await app.gql(
          `query($s: String) { users(first: 50, search: $s) { edges { node { id } } } }`,
          { s: search },
          { token: agentA.token },
        )
      ).data.users.edges.map((e: any) => e.node.id);
    expect(await people("100%_m")).toEqual([agent.gid]);
    expect(await people("%")).toEqual([agent.gid]);
    expect(await people("_")).toEqual([agent.gid]);

    await app.db.prisma.tag.createMany({ data: [{ name: "pct%_tag" }, { name: "pctxytag" }] });
    const tags = async (prefix: string) =>
      (
        await app.gql(
          `query($p: String) { tags(first: 50, prefix: $p) { edges { node { name } } } }`,
          { p: prefix },
          { token: agentA.token },
        )
      ).data.tags.edges.map((e: any) => e.node.name);
    expect(await tags("pct%_")).toEqual(["pct%_tag"]);
    expect(await tags("_")).toEqual([]);
  });
});

describe("an incident's timeline", () => {
  const DECLARE = `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { ... on IncidentPayload { incident { id } } } }`;
  const LINK = `mutation($i: LinkTicketToIncidentInput!) { linkTicketToIncident(input: $i) { __typename } }`;
  const TIMELINE = `query($id: ID!) { node(id: $id) { ... on Incident { timeline { kind body } tickets { number } } } }`;
  const linked = (timeline: any[]) => timeline.filter((u) => u.kind === "TICKET_LINKED");

  it("names only the cases the reader may see, also live", async () => {
    const { port } = await app.start(0);
    const incidentId = (
      await app.gql(DECLARE, { i: { title: "Refund queue stuck", severity: 1, teamIds: [teamA.gid, teamB.gid] } }, { token: agentA.token })
    ).data.declareIncident.incident.id;
    const client = wsClient(port, agentA.token);
    try {
      const feed = await subscribeWs(client, `subscription($id: ID) { incidentEvents(incidentId: $id) { kind body } }`, { id: incidentId });
      expect(
        (await app.gql(LINK, { i: { ticketId: ticketB.id, incidentId } }, { token: agentB.token })).data.linkTicketToIncident.__typename,
      ).toBe("LinkTicketToIncidentPayload");
      expect(
        (await app.gql(LINK, { i: { ticketId: ticketA.id, incidentId } }, { token: agentA.token })).data.linkTicketToIncident.__typename,
      ).toBe("LinkTicketToIncidentPayload");

      const seenByA = (await app.gql(TIMELINE, { id: incidentId }, { token: agentA.token })).data.node;
      expect(linked(seenByA.timeline)).toEqual([
        { kind: "TICKET_LINKED", body: "A case you may not see was linked" },
        { kind: "TICKET_LINKED", body: `${ticketA.number} linked` },
      ]);
      expect(seenByA.tickets).toEqual([{ number: ticketA.number }]);
      expect(JSON.stringify(seenByA)).not.toContain(ticketB.number);

      const seenByB = (await app.gql(TIMELINE, { id: incidentId }, { token: agentB.token })).data.node;
      expect(linked(seenByB.timeline).map((u: any) => u.body)).toEqual([`${ticketB.number} linked`, "A case you may not see was linked"]);
      const manager = await seedUser(app, "MANAGER");
      const seenByManager = (await app.gql(TIMELINE, { id: incidentId }, { token: manager.token })).data.node;
      expect(linked(seenByManager.timeline).map((u: any) => u.body)).toEqual([`${ticketB.number} linked`, `${ticketA.number} linked`]);

      // The second link is the sentinel: once it arrived, the first one arrived before it.
      const events = await feed.waitFor(2);
      expect(events.map((e: any) => e.incidentEvents)).toEqual([
        { kind: "TICKET_LINKED", body: "A case you may not see was linked" },
        { kind: "TICKET_LINKED", body: `${ticketA.number} linked` },
      ]);
    } finally {
      await client.dispose();
    }
  });
});
