// The webhook event types a case's clock and its customer raise, end to end against a
// real HTTP receiver on 127.0.0.1: SLA_WARNING and SLA_BREACH (the SLA monitor, ticked
// by hand on the injected clock), TICKET_ESCALATED (a HIGH case missing RESOLUTION goes
// up a tier by itself) and SURVEY_ANSWERED (the customer's answer). Each request is
// verified with the `standardwebhooks` package and carries the case with the masked
// contact only.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let server: Server;
let url = "";
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let admin: TestUser;
let agent: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  app = await createTestApp({
    slaMonitorIntervalMs: 3_600_000,
    // Ticked by hand; the receiver is on this machine.
    webhooks: { ...testConfig().webhooks, dispatchIntervalMs: 2 ** 31 - 1, allowPrivateNetworks: true, timeoutMs: 3000 },
  });
  app.clock.freeze();
  team = await seedTeam(app);
  admin = await seedUser(app, "ADMIN");
  agent = await seedUser(app, "AGENT", [team.id]);
  const policy = await app.gql(
    `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename ... on Error { message } } }`,
    {
      i: {
        name: "Webhook events HIGH (test)",
        priority: "HIGH",
        teamId: team.gid,
        firstResponseSeconds: 2,
        resolutionSeconds: 3,
        followUpSeconds: 3600,
        warningBeforeSeconds: 1,
      },
    },
    { token: admin.token },
  );
  expect(policy.data.upsertSlaPolicy.__typename).toBe("SlaPolicyPayload");
});

afterAll(async () => {
  await app?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename ... on WebhookSecretPayload { secret } ... on Error { code message } } }`;
const CLOSE = `mutation($input: TransitionTicketInput!) { transitionTicket(input: $input) {
  __typename ... on TransitionTicketPayload { surveyToken } ... on Error { code message } ... on ValidationError { field } } }`;
const SUBMIT = `mutation($i: SubmitSurveyInput!) { submitSurvey(input: $i) { __typename ... on Error { code message } } }`;

describe("events of a case's clock and its customer", () => {
  it("sends SLA_WARNING, SLA_BREACH, TICKET_ESCALATED and SURVEY_ANSWERED, signed, with the contact masked", async () => {
    const made = await app.gql(
      CREATE_ENDPOINT,
      {
        input: {
          url,
          eventTypes: ["SLA_WARNING", "SLA_BREACH", "TICKET_ESCALATED", "SURVEY_ANSWERED"],
          teamIds: [team.gid],
          description: "clock and customer",
        },
      },
      { token: admin.token },
    );
    const secret = made.data.createWebhookEndpoint.secret as string;
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid, priority: "HIGH" });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED", expectedVersion: ticket.version });
    // First response: warned at 1 s, missed at 2 s; resolution: warned at 2 s, missed (and escalated) at 3 s.
    for (let second = 1; second <= 3; second++) {
      app.clock.advance(1);
      await app.slaMonitor!.tick();
    }
    // The clock's events moved the version on: the moves name none.
    for (const to of ["TEAM_CHECKING", "INFORM_CUSTOMER"]) {
      const moved = await moveVia(app, agent.token, { id: ticket.id, to, note: "done", breachReason: "test clock" });
      expect(moved.__typename).toBe("TransitionTicketPayload");
    }
    const closed = await app.gql(
      CLOSE,
      { input: { id: ticket.id, to: "DONE", resolution: "refunded", breachReason: "test clock" } },
      { token: agent.token },
    );
    expect(closed.data.transitionTicket.__typename).toBe("TransitionTicketPayload");
    const answered = await app.gql(SUBMIT, { i: { token: closed.data.transitionTicket.surveyToken, rating: "UNSATISFIED" } });
    expect(answered.data.submitSurvey.__typename).toBe("SubmitSurveyPayload");
    await app.webhookDispatcher!.tick();

    const verifier = new Webhook(secret);
    const messages = received.map((request) =>
      verifier.verify(request.body, {
        "webhook-id": String(request.headers["webhook-id"]),
        "webhook-timestamp": String(request.headers["webhook-timestamp"]),
        "webhook-signature": String(request.headers["webhook-signature"]),
      }),
    ) as { type: string; data: { ticket: { number: string; requester?: unknown }; change: { actor: string; after: any } } }[];
    expect(messages.map((m) => m.type).sort()).toEqual(
      ["SLA_BREACH", "SLA_BREACH", "SLA_WARNING", "SLA_WARNING", "SURVEY_ANSWERED", "TICKET_ESCALATED"].sort(),
    );
    expect(messages.every((m) => m.data.ticket.number === ticket.number)).toBe(true);
    const targets = (type: string) =>
      messages
        .filter((m) => m.type === type)
        .map((m) => m.data.change.after.target)
        .sort();
    expect(targets("SLA_WARNING")).toEqual(["FIRST_RESPONSE", "RESOLUTION"]);
    expect(targets("SLA_BREACH")).toEqual(["FIRST_RESPONSE", "RESOLUTION"]);
    expect(messages.find((m) => m.type === "TICKET_ESCALATED")!.data.change.actor).toBe("SYSTEM");
    expect(messages.find((m) => m.type === "SURVEY_ANSWERED")!.data.change.after).toMatchObject({
      rating: "UNSATISFIED",
      needsReview: true,
    });
    // The contact is masked wherever the case is shown.
    for (const request of received) {
      expect(request.body).toContain(JSON.stringify(ticket.requester.maskedContact));
      expect(request.body).not.toContain("13812345678");
    }
  });
});
