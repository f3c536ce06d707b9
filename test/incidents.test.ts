import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { sentinelAlert, subscribeWs, wsClient } from "./helpers/live.js";
import { createTicketVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let payments: Awaited<ReturnType<typeof seedTeam>>;
let risk: Awaited<ReturnType<typeof seedTeam>>;
let agent: TestUser;
let onCall: TestUser;
let outsider: TestUser;
let manager: TestUser;
let supervisor: TestUser;

const DECLARE = `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) {
  __typename
  ... on IncidentPayload { incident { id title severity status declaredBy { kind name } teams { name } responders { id } timeline { kind body author { name } } } }
  ... on Error { code message } ... on ValidationError { field } } }`;
const LINK = `mutation($i: LinkTicketToIncidentInput!) { linkTicketToIncident(input: $i) {
  __typename ... on LinkTicketToIncidentPayload { ticket { number incident { title } } incident { tickets { number } } } ... on Error { code message } ... on ValidationError { field } } }`;
const POST = `mutation($i: PostIncidentUpdateInput!) { postIncidentUpdate(input: $i) {
  __typename ... on IncidentPayload { incident { timeline { kind body } } } ... on Error { code message } } }`;
const RESOLVE = `mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) {
  __typename ... on IncidentPayload { incident { status resolvedAt timeline { kind body } } } ... on Error { code message } ... on ValidationError { field message } } }`;

beforeAll(async () => {
  app = await createTestApp();
  ({ port } = await app.start(0));
  payments = await seedTeam(app, "CS-Payment");
  risk = await seedTeam(app, "CS-Risk");
  agent = await seedUser(app, "AGENT", [payments.id], { name: "Agent Ada" });
  onCall = await seedUser(app, "AGENT", [payments.id], { name: "Oncall Omar" });
  await app.db.prisma.user.update({ where: { id: onCall.id }, data: { onCall: true } });
  // On call, but in a team the incident does not touch.
  const riskOnCall = await seedUser(app, "AGENT", [risk.id]);
  await app.db.prisma.user.update({ where: { id: riskOnCall.id }, data: { onCall: true } });
  outsider = await seedUser(app, "AGENT", [risk.id]);
  manager = await seedUser(app, "MANAGER");
  supervisor = await seedUser(app, "SUPERVISOR", [payments.id]);
});
afterAll(() => app.close());

describe("incidents", () => {
  it("are declared by anyone, pull in the on-call people of the affected teams, and alert managers at severity 3-4", async () => {
    const client = wsClient(port, manager.token);
    const supervisorClient = wsClient(port, supervisor.token);
    try {
      const ALERTS = `subscription { alerts(kinds: [MAJOR_INCIDENT]) { kind message incident { title severity } } }`;
      const [managers, supervisors] = await Promise.all([subscribeWs(client, ALERTS), subscribeWs(supervisorClient, ALERTS)]);
      const minor = await app.gql(
        DECLARE,
        { i: { title: "Slow refunds page", severity: 1, teamIds: [payments.gid] } },
        { token: agent.token },
      );
      expect(minor.data.declareIncident.__typename).toBe("IncidentPayload");
      const result = await app.gql(
        DECLARE,
        { i: { title: "Payments down", severity: 4, teamIds: [payments.gid], summary: "All card payments fail" } },
        { token: agent.token },
      );
      const incident = result.data.declareIncident.incident;
      expect(incident).toMatchObject({
        title: "Payments down",
        severity: 4,
        status: "OPEN",
        declaredBy: { kind: "USER", name: "Agent Ada" },
        teams: [{ name: "CS-Payment" }],
      });
      expect(incident.responders.map((r: any) => r.id).sort()).toEqual([agent.gid, onCall.gid].sort());
      expect(incident.timeline).toEqual([
        { kind: "DECLARED", body: "Declared at severity 4 for CS-Payment; on call: Oncall Omar", author: { name: "Agent Ada" } },
      ]);
      const [alert] = await managers.waitFor(1);
      expect(alert.alerts).toMatchObject({ kind: "MAJOR_INCIDENT", incident: { title: "Payments down", severity: 4 } });
      // Nothing else was sent: a sentinel alert for both, published now, is what each gets next.
      app.realtime.pubsub.publish("alert", sentinelAlert([payments.id]));
      const isSentinel = (a: any) => a.alerts.message === "sentinel";
      await Promise.all([managers.waitForMatching(isSentinel, 1), supervisors.waitForMatching(isSentinel, 1)]);
      expect(managers.received.map((a: any) => a.alerts.message)).toEqual([alert.alerts.message, "sentinel"]);
      // Major incidents are for managers; the team's supervisor does not get this one.
      expect(supervisors.received.map((a: any) => a.alerts.message)).toEqual(["sentinel"]);
    } finally {
      await Promise.all([client.dispose(), supervisorClient.dispose()]);
    }
  });

  it("refuse bad input naming the field, and write nothing", async () => {
    const before = await app.db.prisma.incident.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: "x", severity: 5, teamIds: [payments.gid] }, "input.severity"],
      [{ title: "  ", severity: 1, teamIds: [payments.gid] }, "input.title"],
      [{ title: "x", severity: 1, teamIds: [] }, "input.teamIds"],
      [{ title: "x", severity: 1, teamIds: ["bogus"] }, "input.teamIds.0"],
    ];
    for (const [input, field] of cases) {
      expect((await app.gql(DECLARE, { i: input }, { token: agent.token })).data.declareIncident).toMatchObject({
        __typename: "ValidationError",
        field,
      });
    }
    expect((await app.gql(DECLARE, { i: { title: "x", severity: 1, teamIds: [payments.gid] } })).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    const reader = await seedApiToken(app, ["tickets:read"]);
    expect(
      (await app.gql(DECLARE, { i: { title: "x", severity: 1, teamIds: [payments.gid] } }, { token: reader.token })).data.declareIncident
        .__typename,
    ).toBe("ForbiddenError");
    expect(await app.db.prisma.incident.count()).toBe(before);
  });

  it("link cases, keep a live timeline, and resolve once", async () => {
    const { data } = await app.gql(
      DECLARE,
      { i: { title: "Card gateway errors", severity: 2, teamIds: [payments.gid] } },
      { token: agent.token },
    );
    const incidentId = data.declareIncident.incident.id;
    const client = wsClient(port, supervisor.token);
    try {
      const feed = await subscribeWs(
        client,
        `subscription($id: ID) { incidentEvents(incidentId: $id) { kind body incident { title status } } }`,
        { id: incidentId },
      );
      const ticket = await createTicketVia(app, agent.token, { teamId: payments.gid });
      const linked = await app.gql(LINK, { i: { ticketId: ticket.id, incidentId } }, { token: agent.token });
      expect(linked.data.linkTicketToIncident).toMatchObject({
        ticket: { number: ticket.number, incident: { title: "Card gateway errors" } },
        incident: { tickets: [{ number: ticket.number }] },
      });
      expect(
        (await app.gql(LINK, { i: { ticketId: ticket.id, incidentId } }, { token: agent.token })).data.linkTicketToIncident,
      ).toMatchObject({ __typename: "ValidationError", field: "input.ticketId" });
      // An agent of another team may not post to it, nor link a case they cannot see.
      expect(
        (await app.gql(POST, { i: { incidentId, body: "me too" } }, { token: outsider.token })).data.postIncidentUpdate.__typename,
      ).toBe("ForbiddenError");
      expect(
        (await app.gql(LINK, { i: { ticketId: ticket.id, incidentId } }, { token: outsider.token })).data.linkTicketToIncident.__typename,
      ).toBe("NotFoundError");
      expect(
        (await app.gql(POST, { i: { incidentId, body: "Gateway vendor confirmed the fault" } }, { token: onCall.token })).data
          .postIncidentUpdate.__typename,
      ).toBe("IncidentPayload");
      const resolved = await app.gql(RESOLVE, { i: { incidentId, summary: "Vendor rolled back" } }, { token: supervisor.token });
      expect(resolved.data.resolveIncident.incident).toMatchObject({ status: "RESOLVED", resolvedAt: expect.any(String) });
      expect(resolved.data.resolveIncident.incident.timeline.map((u: any) => u.kind)).toEqual([
        "DECLARED",
        "TICKET_LINKED",
        "UPDATE",
        "RESOLVED",
      ]);
      const again = await app.gql(RESOLVE, { i: { incidentId, summary: "again" } }, { token: supervisor.token });
      expect(again.data.resolveIncident).toMatchObject({
        __typename: "ValidationError",
        message: expect.stringContaining("already resolved"),
      });
      const events = await feed.waitFor(3);
      expect(events.map((e: any) => e.incidentEvents.kind)).toEqual(["TICKET_LINKED", "UPDATE", "RESOLVED"]);
      expect(events[2].incidentEvents).toMatchObject({ body: "Vendor rolled back", incident: { status: "RESOLVED" } });
      const audit = await app.db.prisma.ticketEvent.findMany({ where: { ticket: { number: ticket.number }, type: "INCIDENT_LINKED" } });
      expect(audit).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });

  it("are listed newest first, by status", async () => {
    const { data } = await app.gql(
      `{ open: incidents(status: OPEN) { totalCount edges { node { title } } } resolved: incidents(status: RESOLVED) { edges { node { title } } } }`,
      {},
      { token: outsider.token },
    );
    expect(data.open.edges.map((e: any) => e.node.title)).toEqual(["Payments down", "Slow refunds page"]);
    expect(data.resolved.edges.map((e: any) => e.node.title)).toEqual(["Card gateway errors"]);
  });
});
