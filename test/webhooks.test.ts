// Outgoing webhooks against real HTTP receivers on 127.0.0.1 (so this app allows private
// networks; one block below proves the refusal without it). Signatures are checked with
// the `standardwebhooks` package, time moves by the injected clock and the dispatcher is
// ticked by hand, so "nothing arrived" is proven by a finished tick, never by waiting.
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { decodeGlobalID } from "@pothos/plugin-relay";
import pino from "pino";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { inTransaction, type Tx } from "../src/db/transaction.js";
import { claimDue } from "../src/integrations/outbox.js";
import { checkedLookup, type ResolveAll } from "../src/integrations/webhooks/post.js";
import type { AlertMessage } from "../src/realtime/pubsub.js";
import { recordEvent } from "../src/resolvers/audit.js";
import { createApp } from "../src/server.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, gid, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

// ─── a receiver ─────────────────────────────────────────────────────────────

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; headers?: Record<string, string> } | "hang";

class Receiver {
  readonly requests: Received[] = [];
  /** Answers for the next requests, in order; then 204. */
  readonly answers: Answer[] = [];
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;
  port = 0;

  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        const answer = this.answers.shift() ?? { status: 204 };
        if (answer === "hang") {
          this.hanging.push(res);
          return;
        }
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = "/hook") {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  messages() {
    return this.requests.map((r) => JSON.parse(r.body) as { type: string; timestamp: string; data: any });
  }

  close() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const verifyWith = (secret: string, request: Received) =>
  new Webhook(secret).verify(request.body, {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  });

// ─── operations ─────────────────────────────────────────────────────────────

const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename
  ... on WebhookSecretPayload { secret endpoint { id url eventTypes enabled teams { name } } }
  ... on Error { code message } ... on ValidationError { field } } }`;
const UPDATE_ENDPOINT = `mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  __typename ... on WebhookEndpointPayload { endpoint { id enabled failingSince disabledReason } } ... on Error { code message } ... on ValidationError { field } } }`;
const DELETE_ENDPOINT = `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) {
  __typename ... on DeleteWebhookEndpointPayload { deletedEndpointId } ... on Error { code } } }`;
const ROTATE = `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) {
  __typename ... on WebhookSecretPayload { secret endpoint { previousSecretExpiresAt } } ... on Error { code } } }`;
const REDELIVER = `mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) {
  __typename ... on RedeliverWebhookPayload { delivery { status } } ... on Error { code message } ... on ValidationError { field } } }`;
const ENDPOINTS = `{ webhookEndpoints { id url } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 10) { edges { node {
  id webhookId eventType status attempts nextAttemptAt lastResponseCode lastLatencyMs lastError deliveredAt } } } }`;

const ALL_TICKET_EVENTS = ["TICKET_CREATED", "TICKET_STATUS_CHANGED", "TICKET_ASSIGNED", "COMMENT_ADDED"];

function webhookConfig(overrides: Partial<Config["webhooks"]> = {}): Config["webhooks"] {
  return {
    ...testConfig().webhooks,
    // Ticked by hand: the interval (the longest a timer takes, 24.8 days) never comes round
    // during a test, even on a loaded machine, so no scan runs beside the test's own.
    dispatchIntervalMs: 2 ** 31 - 1,
    allowPrivateNetworks: true,
    // Generous: PGlite runs on the test's own thread and may hold it for a while on a
    // loaded machine; only the test of a silent receiver waits for it.
    timeoutMs: 3000,
    disableAfterMs: 3600_000,
    secretOverlapMs: 3600_000,
    ...overrides,
  };
}

let app: TestApp;
let admin: TestUser;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
let agentA: TestUser;
let agentB: TestUser;
const receivers: Receiver[] = [];

async function receiver() {
  const r = await new Receiver().start();
  receivers.push(r);
  return r;
}

async function createEndpoint(url: string, teamIds: string[], eventTypes = ALL_TICKET_EVENTS, token = admin.token) {
  const result = await app.gql(CREATE_ENDPOINT, { input: { url, eventTypes, teamIds, description: "test receiver" } }, { token });
  const payload = result.data?.createWebhookEndpoint;
  if (payload?.__typename !== "WebhookSecretPayload") throw new Error(`createWebhookEndpoint failed: ${JSON.stringify(result)}`);
  return payload as { secret: string; endpoint: { id: string; url: string; eventTypes: string[]; enabled: boolean } };
}

const tick = () => app.webhookDispatcher!.tick();
const deliveries = async (endpointId: string) =>
  (await app.gql(DELIVERIES, { id: endpointId }, { token: admin.token })).data.webhookDeliveries.edges.map((e: any) => e.node);

beforeAll(async () => {
  // No SLA monitor: moving the clock by hours must not add SLA events to what arrives.
  app = await createTestApp({ slaMonitor: false, webhooks: webhookConfig() });
  app.clock.freeze();
  admin = await seedUser(app, "ADMIN");
  teamA = await seedTeam(app);
  teamB = await seedTeam(app);
  agentA = await seedUser(app, "AGENT", [teamA.id]);
  agentB = await seedUser(app, "AGENT", [teamB.id]);
});

afterEach(async () => {
  // Each test starts from an empty outbox and no endpoints.
  await app.db.prisma.webhookEndpoint.deleteMany({});
  await app.db.prisma.outboundDelivery.deleteMany({});
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await app.close();
});

describe("delivery", () => {
  it("sends its teams' events only, signed as Standard Webhooks, with the contact masked", async () => {
    const hook = await receiver();
    const { secret, endpoint } = await createEndpoint(hook.url(), [teamA.gid]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(endpoint).toMatchObject({ url: hook.url(), eventTypes: ALL_TICKET_EVENTS, enabled: true });

    const mine = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await createTicketVia(app, agentB.token, { teamId: teamB.gid });
    await moveVia(app, agentA.token, { id: mine.id, to: "NOT_STARTED", expectedVersion: mine.version });
    await tick();

    expect(hook.messages().map((m) => m.type)).toEqual(["TICKET_CREATED", "TICKET_STATUS_CHANGED"]);
    for (const request of hook.requests) {
      expect(verifyWith(secret, request)).toEqual(JSON.parse(request.body));
      expect(request.headers["webhook-id"]).toMatch(/^msg_/);
      expect(request.headers["content-type"]).toBe("application/json");
    }
    const [created, moved] = hook.messages();
    expect(created!.data.ticket).toMatchObject({ id: mine.id, number: mine.number, team: { id: teamA.gid }, contact: "138****5678" });
    expect(moved!.data.change).toMatchObject({ before: { status: "NEW" }, after: { status: "NOT_STARTED" } });
    expect(hook.requests.map((r) => r.body).join("")).not.toContain("13812345678");
    // A signature made with another secret is refused by the verifier.
    const other = (await createEndpoint(hook.url(), [teamB.gid])).secret;
    expect(() => verifyWith(other, hook.requests[0]!)).toThrow();
  });

  it("sends incidents of the endpoint's teams", async () => {
    const hook = await receiver();
    await createEndpoint(hook.url(), [teamA.gid], ["INCIDENT_DECLARED", "INCIDENT_RESOLVED"]);
    const DECLARE = `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { __typename ... on IncidentPayload { incident { id } } } }`;
    const ours = await app.gql(DECLARE, { i: { title: "Payments down", severity: 2, teamIds: [teamA.gid] } }, { token: agentA.token });
    await app.gql(DECLARE, { i: { title: "Other team's trouble", severity: 2, teamIds: [teamB.gid] } }, { token: agentB.token });
    const RESOLVE = `mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { __typename } }`;
    await app.gql(RESOLVE, { i: { incidentId: ours.data.declareIncident.incident.id, summary: "Fixed" } }, { token: agentA.token });
    await tick();
    expect(hook.messages().map((m) => [m.type, m.data.incident.title, m.data.incident.status])).toEqual([
      ["INCIDENT_DECLARED", "Payments down", "OPEN"],
      ["INCIDENT_RESOLVED", "Payments down", "RESOLVED"],
    ]);
  });

  it("writes the delivery in the change's transaction: committed with it, or not at all", async () => {
    const hook = await receiver();
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid]);
    const ticket = await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const id = decodeGlobalID(ticket.id).id;
    const assign = (tx: Tx) =>
      recordEvent(tx, null, id, app.clock.now(), { type: "ASSIGNED", before: { assigneeId: null }, after: { assigneeId: null } });
    await expect(
      inTransaction(app.services, async (tx) => {
        await assign(tx);
        throw new Error("the write fails after its event");
      }),
    ).rejects.toThrow("the write fails");
    expect((await deliveries(endpoint.id)).map((d: any) => d.eventType)).toEqual(["TICKET_CREATED"]);
    app.clock.advance(1);
    await inTransaction(app.services, assign);
    expect((await deliveries(endpoint.id)).map((d: any) => d.eventType)).toEqual(["TICKET_ASSIGNED", "TICKET_CREATED"]);
  });
});

describe("retries", () => {
  it("retries a 500 after the backoff, with the same webhook-id, and records each attempt", async () => {
    const hook = await receiver();
    hook.answers.push({ status: 500 });
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    expect(hook.requests).toHaveLength(1);
    const [failed] = await deliveries(endpoint.id);
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1, lastResponseCode: 500, lastError: "answered 500" });
    const wait = Date.parse(failed.nextAttemptAt) - app.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(8_000);
    expect(wait).toBeLessThanOrEqual(12_000);

    await tick(); // not due yet
    expect(hook.requests).toHaveLength(1);
    app.clock.advance(12);
    await tick();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]!.headers["webhook-id"]).toBe(hook.requests[0]!.headers["webhook-id"]);
    const [done] = await deliveries(endpoint.id);
    expect(done).toMatchObject({ status: "DELIVERED", attempts: 2, lastResponseCode: 204, lastError: null });
    expect(done.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(done.deliveredAt).not.toBeNull();
  });

  it("counts an attempt without an answer in time as failed, and retries it", async () => {
    const hook = await receiver();
    hook.answers.push("hang");
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    const [failed] = await deliveries(endpoint.id);
    expect(failed).toMatchObject({ status: "PENDING", attempts: 1, lastResponseCode: null, lastError: "no answer within 3000 ms" });
    app.clock.advance(60);
    await tick();
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 });
  });

  it("waits as long as Retry-After says", async () => {
    const hook = await receiver();
    hook.answers.push({ status: 503, headers: { "retry-after": "3600" } });
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    const start = app.clock.now().getTime();
    await tick();
    expect(Date.parse((await deliveries(endpoint.id))[0].nextAttemptAt)).toBe(start + 3600_000);
    app.clock.advance(3599);
    await tick();
    expect(hook.requests).toHaveLength(1);
    app.clock.advance(1);
    await tick();
    expect(hook.requests).toHaveLength(2);
  });

  it("redelivers a delivered message on request, with its webhook-id", async () => {
    const hook = await receiver();
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    const [delivered] = await deliveries(endpoint.id);
    expect(delivered.status).toBe("DELIVERED");
    const result = await app.gql(REDELIVER, { input: { deliveryId: delivered.id } }, { token: admin.token });
    expect(result.data.redeliverWebhook).toEqual({ __typename: "RedeliverWebhookPayload", delivery: { status: "PENDING" } });
    const again = await app.gql(REDELIVER, { input: { deliveryId: delivered.id } }, { token: admin.token });
    expect(again.data.redeliverWebhook).toMatchObject({ __typename: "ValidationError", field: "input.deliveryId" });
    await tick();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]!.headers["webhook-id"]).toBe(delivered.webhookId);
    expect(hook.requests[1]!.body).toBe(hook.requests[0]!.body);
  });

  it("retries an attempt whose dispatcher died after claiming it, once its lease is over", async () => {
    const hook = await receiver();
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    // A dispatcher claims the delivery and is killed before it sends or records anything.
    const lease = webhookConfig().timeoutMs + webhookConfig().leaseMarginMs;
    expect(await claimDue(app.db.prisma, "webhook", app.clock.now(), lease, 10)).toHaveLength(1);
    expect(await tick()).toBe(0);
    expect(hook.requests).toHaveLength(0);
    app.clock.advance(lease / 1000);
    expect(await tick()).toBe(1);
    expect(hook.requests).toHaveLength(1);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: "DELIVERED", attempts: 2 });
  });

  it("disables an endpoint failing for the configured time and alerts its team's supervisors", async () => {
    const hook = await receiver();
    hook.answers.push(...Array.from({ length: 20 }, () => ({ status: 500 })));
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    const alerts: AlertMessage[] = [];
    const iterator = app.realtime.pubsub.subscribe("alert")[Symbol.asyncIterator]();
    const collecting = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        alerts.push(next.value);
        if (next.value.kind === "WEBHOOK_DISABLED") return;
      }
    })();
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    app.clock.advance(30 * 60);
    await tick();
    let state = (
      await app.gql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled failingSince } } }`,
        { id: endpoint.id },
        { token: admin.token },
      )
    ).data.node;
    expect(state.enabled).toBe(true);
    expect(state.failingSince).not.toBeNull();

    app.clock.advance(31 * 60);
    await tick();
    await collecting;
    await iterator.return?.();
    state = (
      await app.gql(
        `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { enabled disabledReason } } }`,
        { id: endpoint.id },
        { token: admin.token },
      )
    ).data.node;
    expect(state).toEqual({ enabled: false, disabledReason: "every attempt failed for 1 h" });
    expect(alerts.filter((a) => a.kind === "WEBHOOK_DISABLED")).toEqual([
      expect.objectContaining({ audience: "SUPERVISORS", teamIds: [teamA.id], message: expect.stringContaining("disabled") }),
    ]);

    // Disabled: due deliveries wait; enabled again, they go out.
    const sent = hook.requests.length;
    app.clock.advance(3600);
    expect(await tick()).toBe(0);
    expect(hook.requests).toHaveLength(sent);
    hook.answers.length = 0;
    const enabled = await app.gql(UPDATE_ENDPOINT, { input: { id: endpoint.id, enabled: true } }, { token: admin.token });
    expect(enabled.data.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
    await tick();
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: "DELIVERED" });
  });
});

describe("secret rotation", () => {
  it("signs with the old and the new secret during the overlap, then with the new one only", async () => {
    const hook = await receiver();
    const { secret: old, endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    const rotated = await app.gql(ROTATE, { input: { id: endpoint.id } }, { token: admin.token });
    const fresh = rotated.data.rotateWebhookSecret.secret as string;
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.data.rotateWebhookSecret.endpoint.previousSecretExpiresAt)).toBe(app.clock.now().getTime() + 3600_000);

    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    const during = hook.requests[0]!;
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifyWith(old, during)).toBeTruthy();
    expect(verifyWith(fresh, during)).toBeTruthy();

    app.clock.advance(3600);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    const after = hook.requests[1]!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verifyWith(fresh, after)).toBeTruthy();
    expect(() => verifyWith(old, after)).toThrow();
  });
});

describe("where deliveries may go", () => {
  it("does not follow redirects: a 3xx is a failed attempt", async () => {
    const elsewhere = await receiver();
    const hook = await receiver();
    hook.answers.push({ status: 302, headers: { location: elsewhere.url() } });
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED"]);
    await createTicketVia(app, agentA.token, { teamId: teamA.gid });
    await tick();
    expect((await deliveries(endpoint.id))[0]).toMatchObject({
      status: "PENDING",
      lastResponseCode: 302,
      lastError: "answered 302; redirects are not followed",
    });
    expect(elsewhere.requests).toHaveLength(0);
  });

  describe("without WEBHOOK_ALLOW_PRIVATE_NETWORKS", () => {
    let guarded: TestApp;
    let guardedAdmin: TestUser;
    let guardedAgent: TestUser;
    let team: Awaited<ReturnType<typeof seedTeam>>;
    beforeAll(async () => {
      guarded = await createTestApp({ slaMonitor: false, webhooks: webhookConfig({ allowPrivateNetworks: false }) });
      guardedAdmin = await seedUser(guarded, "ADMIN");
      team = await seedTeam(guarded);
      guardedAgent = await seedUser(guarded, "AGENT", [team.id]);
    });
    afterAll(() => guarded.close());

    it("refuses loopback, private, link-local and metadata addresses, also behind a name, and calls nothing", async () => {
      const hook = await receiver();
      const targets = {
        [`http://127.0.0.1:${hook.port}/hook`]: /127\.0\.0\.1 resolves to a loopback address/,
        [`http://localhost:${hook.port}/hook`]: /localhost resolves to a loopback address/,
        [`http://[::1]:${hook.port}/hook`]: /::1 resolves to a loopback address/,
        [`http://[::ffff:127.0.0.1]:${hook.port}/hook`]: /loopback/,
        "http://10.1.2.3/hook": /10\.1\.2\.3 resolves to a private address/,
        "http://169.254.169.254/latest/meta-data/": /169\.254\.169\.254 resolves to a linkLocal address/,
        "http://100.100.100.200/": /carrierGradeNat/,
      };
      // Stored directly: createWebhookEndpoint refuses these hosts by name already (next
      // test); the delivery-time check is what stops a name that comes to resolve inside,
      // and endpoints saved while private networks were allowed.
      const ids: string[] = [];
      for (const url of Object.keys(targets)) {
        const row = await guarded.db.prisma.webhookEndpoint.create({
          data: {
            url,
            eventTypes: ["TICKET_CREATED"],
            teamIds: [team.id],
            secretEncrypted: guarded.services.cipher.encrypt("whsec_c3RvcmVkIGRpcmVjdGx5"),
            createdAt: guarded.clock.now(),
          },
        });
        ids.push(gid("WebhookEndpoint", row.id));
      }
      await createTicketVia(guarded, guardedAgent.token, { teamId: team.gid });
      expect(await guarded.webhookDispatcher!.tick()).toBe(Object.keys(targets).length);
      expect(hook.requests).toHaveLength(0);
      for (const [i, pattern] of Object.values(targets).entries()) {
        const [delivery] = (await guarded.gql(DELIVERIES, { id: ids[i] }, { token: guardedAdmin.token })).data.webhookDeliveries.edges.map(
          (e: any) => e.node,
        );
        expect(delivery.status).toBe("PENDING");
        expect(delivery.lastError).toMatch(/^refused: /);
        expect(delivery.lastError).toMatch(pattern);
        expect(delivery.lastResponseCode).toBeNull();
      }
    });

    it("refuses localhost and literal inside addresses when an endpoint is created or updated, naming url", async () => {
      const refused = [
        "http://localhost:8080/hook",
        "http://api.localhost/hook",
        "http://127.0.0.1/hook",
        "http://2130706433/hook", // 127.0.0.1 as one number
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
      ];
      for (const url of refused) {
        const result = await guarded.gql(
          CREATE_ENDPOINT,
          { input: { url, eventTypes: ["TICKET_CREATED"], teamIds: [team.gid] } },
          { token: guardedAdmin.token },
        );
        expect(result.data.createWebhookEndpoint, url).toMatchObject({ __typename: "ValidationError", field: "input.url" });
      }
      const created = await guarded.gql(
        CREATE_ENDPOINT,
        { input: { url: "https://hooks.example.com/caseflow", eventTypes: ["TICKET_CREATED"], teamIds: [team.gid] } },
        { token: guardedAdmin.token },
      );
      const id = created.data.createWebhookEndpoint.endpoint.id;
      const updated = await guarded.gql(UPDATE_ENDPOINT, { input: { id, url: "http://10.0.0.7/hook" } }, { token: guardedAdmin.token });
      expect(updated.data.updateWebhookEndpoint).toMatchObject({ __typename: "ValidationError", field: "input.url" });
      const stored = await guarded.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: decodeGlobalID(id).id } });
      expect(stored.url).toBe("https://hooks.example.com/caseflow");
      // With WEBHOOK_ALLOW_PRIVATE_NETWORKS (the main app of this file) the same URLs are taken.
      const allowed = await app.gql(
        CREATE_ENDPOINT,
        { input: { url: "http://localhost:8080/hook", eventTypes: ["TICKET_CREATED"], teamIds: [teamA.gid] } },
        { token: admin.token },
      );
      expect(allowed.data.createWebhookEndpoint.__typename).toBe("WebhookSecretPayload");
    });
  });

  describe("the delivery's own lookup", () => {
    // A stand-in for DNS, so a name can have the answers a test needs; the requests are real.
    const resolving =
      (...addresses: string[]): ResolveAll =>
      (_hostname, _options, callback) =>
        callback(
          null,
          addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
        );
    const send = (url: string, lookup: LookupFunction) =>
      new Promise<{ status: number } | { error: string }>((resolve) => {
        const req = httpRequest(url, { method: "POST", lookup, timeout: 5000 }, (res) => {
          res.resume();
          resolve({ status: res.statusCode! });
        });
        req.on("error", (error) => resolve({ error: error.message }));
        req.end("{}");
      });

    it("checks every address a name resolves to: one inside refuses the name", async () => {
      const hook = await receiver();
      const outcome = await send(
        `http://hooks.example.test:${hook.port}/hook`,
        checkedLookup(false, resolving("93.184.216.34", "127.0.0.1")),
      );
      expect(outcome).toEqual({ error: "refused: hooks.example.test resolves to a loopback address; only public addresses are called" });
      expect(hook.requests).toHaveLength(0);
    });

    it("connects to the address it checked, without resolving the name again", async () => {
      const hook = await receiver();
      // hooks.example.test has no address in real DNS: the request can only have reached
      // the receiver at the address the lookup handed over.
      const outcome = await send(`http://hooks.example.test:${hook.port}/hook`, checkedLookup(true, resolving("127.0.0.1")));
      expect(outcome).toEqual({ status: 204 });
      expect(hook.requests.map((r) => r.headers.host)).toEqual([`hooks.example.test:${hook.port}`]);
    });
  });
});

describe("who manages endpoints", () => {
  it("refuses agents and tokens without webhooks:manage", async () => {
    const input = { url: "https://hooks.example.com/x", eventTypes: ["TICKET_CREATED"], teamIds: [teamA.gid] };
    const asAgent = await app.gql(CREATE_ENDPOINT, { input }, { token: agentA.token });
    expect(asAgent.data.createWebhookEndpoint).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const bot = await seedApiToken(app, ["tickets:write"], [teamA.id]);
    const asBot = await app.gql(CREATE_ENDPOINT, { input }, { token: bot.token });
    expect(asBot.data.createWebhookEndpoint).toMatchObject({ __typename: "ForbiddenError" });
    expect((await app.gql(ENDPOINTS, {}, { token: agentA.token })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("limits a webhooks:manage token to its teams", async () => {
    const bot = await seedApiToken(app, ["webhooks:manage"], [teamA.id]);
    const ours = await createEndpoint("https://hooks.example.com/a", [teamA.gid], ["TICKET_CREATED"], bot.token);
    const theirs = await createEndpoint("https://hooks.example.com/b", [teamB.gid], ["TICKET_CREATED"]);
    const outside = await app.gql(
      CREATE_ENDPOINT,
      { input: { url: "https://hooks.example.com/c", eventTypes: ["TICKET_CREATED"], teamIds: [teamA.gid, teamB.gid] } },
      { token: bot.token },
    );
    expect(outside.data.createWebhookEndpoint).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    expect((await app.gql(ENDPOINTS, {}, { token: bot.token })).data.webhookEndpoints).toEqual([
      { id: ours.endpoint.id, url: "https://hooks.example.com/a" },
    ]);
    const update = await app.gql(UPDATE_ENDPOINT, { input: { id: theirs.endpoint.id, enabled: false } }, { token: bot.token });
    expect(update.data.updateWebhookEndpoint).toMatchObject({ __typename: "NotFoundError" });
    const rotate = await app.gql(ROTATE, { input: { id: theirs.endpoint.id } }, { token: bot.token });
    expect(rotate.data.rotateWebhookSecret).toMatchObject({ __typename: "NotFoundError" });
    const remove = await app.gql(DELETE_ENDPOINT, { input: { id: theirs.endpoint.id } }, { token: bot.token });
    expect(remove.data.deleteWebhookEndpoint).toMatchObject({ __typename: "NotFoundError" });
    const list = await app.gql(DELIVERIES, { id: theirs.endpoint.id }, { token: bot.token });
    expect(list.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const seen = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: theirs.endpoint.id }, { token: bot.token });
    expect(seen.data.node).toBeNull();
    // Its own endpoint it deletes.
    const own = await app.gql(DELETE_ENDPOINT, { input: { id: ours.endpoint.id } }, { token: bot.token });
    expect(own.data.deleteWebhookEndpoint).toEqual({ __typename: "DeleteWebhookEndpointPayload", deletedEndpointId: ours.endpoint.id });
  });

  it("names the field of bad input", async () => {
    const bad = async (input: Record<string, unknown>) =>
      (
        await app.gql(
          CREATE_ENDPOINT,
          { input: { url: "https://hooks.example.com/x", eventTypes: ["TICKET_CREATED"], teamIds: [teamA.gid], ...input } },
          { token: admin.token },
        )
      ).data.createWebhookEndpoint;
    expect(await bad({ url: "ftp://hooks.example.com/x" })).toMatchObject({ __typename: "ValidationError", field: "input.url" });
    expect(await bad({ url: "nonsense" })).toMatchObject({ __typename: "ValidationError", field: "input.url" });
    expect(await bad({ eventTypes: [] })).toMatchObject({ __typename: "ValidationError", field: "input.eventTypes" });
    expect(await bad({ teamIds: [] })).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    expect(await bad({ teamIds: ["nope"] })).toMatchObject({ __typename: "ValidationError", field: "input.teamIds.0" });
  });

  it("keeps the secret sealed at rest", async () => {
    const { secret, endpoint } = await createEndpoint("https://hooks.example.com/x", [teamA.gid]);
    const row = await app.db.prisma.webhookEndpoint.findFirstOrThrow({});
    expect(row.secretEncrypted).not.toContain(secret.slice(6));
    expect(app.services.cipher.decrypt(row.secretEncrypted)).toBe(secret);
    expect(endpoint.id).toBe(gid("WebhookEndpoint", row.id));
  });
});

// Several instances share the outbox through PostgreSQL; PGlite is one process's own
// database, so there is no second instance to race with there.
describe.skipIf(!process.env.DATABASE_URL)("two instances on PostgreSQL and Redis (skipped on PGlite: one process only)", () => {
  it("sends each webhook-id once per endpoint", async () => {
    const hook = await receiver();
    const { endpoint } = await createEndpoint(hook.url(), [teamA.gid], ["TICKET_CREATED", "COMMENT_ADDED", "TICKET_STATUS_CHANGED"]);
    const redis = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const prefix = `caseflow-test-webhooks-${Date.now()}:`;
    const second = await createApp(
      { ...app.config, redisUrl: redis, redisChannelPrefix: prefix },
      { clock: app.clock, logger: pino({ level: "silent" }) },
    );
    const third = await createApp(
      { ...app.config, redisUrl: redis, redisChannelPrefix: prefix },
      { clock: app.clock, logger: pino({ level: "silent" }) },
    );
    try {
      for (let i = 0; i < 10; i++) await createTicketVia(app, agentA.token, { teamId: teamA.gid });
      const made = await Promise.all([
        second.webhookDispatcher!.tick(),
        third.webhookDispatcher!.tick(),
        second.webhookDispatcher!.tick(),
        third.webhookDispatcher!.tick(),
      ]);
      expect(made.reduce((a, b) => a + b, 0)).toBe(10);
      const ids = hook.requests.map((r) => r.headers["webhook-id"]);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
      expect((await deliveries(endpoint.id)).every((d: any) => d.status === "DELIVERED" && d.attempts === 1)).toBe(true);
    } finally {
      await Promise.all([second.stop(), third.stop()]);
    }
  });
});
