// Operators' view of a running instance: Prometheus metrics at /metrics (read with the
// official Prometheus client's parser), request ids on responses, errors and log lines,
// and one access-log line per request or WebSocket operation.
import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRealtime } from "../src/realtime/pubsub.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { subscribeSse, subscribeWs, wsClient } from "./helpers/live.js";
import { type CapturedLogs, captureLogs } from "./helpers/log-capture.js";
import { parsePrometheus, sampleValue } from "./helpers/prometheus.js";
import { createTicketVia, gid, moveVia, seedTeam, seedUser, type TestUser, ticketInput } from "./helpers/seed.js";

const METRICS_TOKEN = "metrics-token-0123456789";
const PING = "query Ping { __typename }";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let app: TestApp;
let url: string;
let port: number;
let logs: CapturedLogs;
let agent: TestUser;
let teamId: string;

beforeAll(async () => {
  logs = captureLogs();
  // The monitors' own loops wait an hour: the tests tick them.
  app = await createTestApp(
    { metricsToken: METRICS_TOKEN, slaMonitorIntervalMs: 3_600_000, reportFoldIntervalMs: 3_600_000 },
    { logger: logs.logger },
  );
  ({ url, port } = await app.start(0));
  const team = await seedTeam(app);
  teamId = team.id;
  agent = await seedUser(app, "SUPERVISOR", [team.id]);
});
afterAll(() => app.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] } };
}

async function scrape(token: string | null = METRICS_TOKEN) {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { response, text: await response.text() };
}

async function metrics() {
  const { response, text } = await scrape();
  expect(response.status).toBe(200);
  return { families: parsePrometheus(text), text };
}

describe("/metrics", () => {
  it("answers only with METRICS_TOKEN, in Prometheus' text format", async () => {
    for (const token of [null, "wrong-token-0123456789", `${METRICS_TOKEN}x`]) {
      const refused = await scrape(token);
      expect(refused.response.status).toBe(401);
      expect(refused.text).not.toContain("caseflow_");
    }
    const { response, text } = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = parsePrometheus(text).map((family) => family.name);
    for (const name of [
      "caseflow_graphql_operations",
      "caseflow_graphql_operation_duration_seconds",
      "caseflow_graphql_errors",
      "caseflow_http_requests",
      "caseflow_websocket_connections",
      "caseflow_live_subscriptions",
      "caseflow_sla_alerts",
      "caseflow_sla_alert_lag_seconds",
      "caseflow_event_bus_lag_seconds",
      "caseflow_rate_limit_refusals",
      "process_cpu_seconds",
    ]) {
      expect(names).toContain(name);
    }
  });

  it("counts operations by name, type and transport, with durations, and errors by code", async () => {
    const before = (await metrics()).families;
    const auth = { authorization: `Bearer ${agent.token}` };
    for (let i = 0; i < 3; i++) expect((await post({ query: PING }, auth)).body.data).toEqual({ __typename: "Query" });
    const invalid = await post({ query: "query Broken { noSuchField }" }, auth);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((await post({ query: PING }, { authorization: "Bearer cf_api_not-a-token" })).response.status).toBe(401);

    const after = (await metrics()).families;
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    const ping = { operation: "Ping", type: "query", transport: "http" };
    expect(delta("caseflow_graphql_operations_total", ping)).toBe(3);
    expect(delta("caseflow_graphql_operation_duration_seconds_count", ping)).toBe(3);
    expect(delta("caseflow_graphql_operation_duration_seconds_sum", ping)).toBeGreaterThan(0);
    expect(delta("caseflow_graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED", transport: "http" })).toBe(1);
    expect(delta("caseflow_graphql_errors_total", { code: "UNAUTHENTICATED", transport: "http" })).toBe(1);
    expect(delta("caseflow_http_requests_total", { route: "/graphql", status: "200" })).toBe(3);
    expect(delta("caseflow_http_requests_total", { route: "/graphql", status: "401" })).toBe(1);
  });

  it("counts open WebSockets and live subscriptions on both live transports, down again when they end", async () => {
    const gauge = async (name: string, labels: Record<string, string> = {}) => sampleValue((await metrics()).families, name, labels);
    expect(await gauge("caseflow_websocket_connections")).toBe(0);
    const client: Client = wsClient(port, agent.token);
    const ws = await subscribeWs(client, "subscription Watch { slaAlerts { id } }");
    const sse = await subscribeSse(url, agent.token, "subscription Board { slaAlerts { id } }");
    expect(await gauge("caseflow_websocket_connections")).toBe(1);
    expect(await gauge("caseflow_live_subscriptions", { transport: "ws" })).toBe(1);
    expect(await gauge("caseflow_live_subscriptions", { transport: "sse" })).toBe(1);
    expect(await gauge("caseflow_graphql_operations_total", { operation: "Watch", type: "subscription", transport: "ws" })).toBe(1);
    expect(await gauge("caseflow_graphql_operations_total", { operation: "Board", type: "subscription", transport: "sse" })).toBe(1);

    // The access line of each stream is written when it has ended on the server: after it, the gauges are down.
    ws.stop();
    await logs.next((line) => line.access && line.transport === "ws" && line.operations?.[0] === "subscription Watch");
    sse.stop();
    await logs.next((line) => line.access && line.transport === "sse" && line.operations?.[0] === "subscription Board");
    expect(await gauge("caseflow_live_subscriptions", { transport: "ws" })).toBe(0);
    expect(await gauge("caseflow_live_subscriptions", { transport: "sse" })).toBe(0);
    await client.dispose();
  });

  it("counts SLA alerts by kind and measures the lag from due to commit on the injected clock", async () => {
    app.clock.freeze();
    const ticket = await createTicketVia(app, agent.token, { priority: "HIGH", teamId: gid("Team", teamId) });
    await moveVia(app, agent.token, { id: ticket.id, to: "NOT_STARTED" });
    const target = await app.db.prisma.slaTarget.findFirstOrThrow({
      where: { ticket: { number: ticket.number }, dueAt: { not: null } },
      orderBy: { dueAt: "asc" },
    });
    const before = (await metrics()).families;
    // Past the first target's due time by exactly 7 s: the breach commits 7 s late on this clock.
    app.clock.advance((target.dueAt!.getTime() - app.clock.now().getTime()) / 1000 + 7);
    expect(await app.slaMonitor!.tick()).toBeGreaterThanOrEqual(1);
    const after = (await metrics()).families;
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("caseflow_sla_alerts_total", { kind: "BREACH", target: target.kind })).toBe(1);
    expect(delta("caseflow_sla_alert_lag_seconds_count", { kind: "BREACH" })).toBeGreaterThanOrEqual(1);
    expect(delta("caseflow_sla_alert_lag_seconds_bucket", { kind: "BREACH", le: "5" })).toBe(0);
    expect(delta("caseflow_sla_alert_lag_seconds_bucket", { kind: "BREACH", le: "10" })).toBe(
      delta("caseflow_sla_alert_lag_seconds_count", { kind: "BREACH" }),
    );
  });

  it("counts report folds and the changed cases they folded", async () => {
    await createTicketVia(app, agent.token, { teamId: gid("Team", teamId) });
    const before = (await metrics()).families;
    const fold = await app.reportFolder!.tick();
    expect(fold).toMatchObject({ busy: false });
    expect(fold!.cases).toBeGreaterThanOrEqual(1);
    const after = (await metrics()).families;
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("caseflow_report_folds_total", { outcome: "folded" })).toBe(1);
    expect(delta("caseflow_report_folded_cases_total")).toBe(fold!.cases);
  });

  it("reports the PostgreSQL pool by state, and nothing for PGlite, which has no pool", async () => {
    const { families } = await metrics();
    const pool = families.find((family) => family.name === "caseflow_db_pool_connections");
    if (app.db.kind === "pglite") {
      expect(pool?.samples ?? []).toEqual([]);
      return;
    }
    expect(pool!.samples.map((sample) => sample.labels.state).sort()).toEqual(["idle", "in_use", "waiting"]);
    expect(
      sampleValue(families, "caseflow_db_pool_connections", { state: "idle" }) +
        sampleValue(families, "caseflow_db_pool_connections", { state: "in_use" }),
    ).toBeGreaterThan(0);
  });

  it("never puts personal data or free text in a label", async () => {
    const requester = { name: `Zhang ${randomUUID().slice(0, 6)}`, contact: "zhang.secret@example.org" };
    const input = ticketInput({ requester, accountId: `ACC-${randomUUID().slice(0, 6)}` });
    await createTicketVia(app, agent.token, input);
    const { text } = await metrics();
    for (const secret of [
      requester.name,
      requester.contact,
      input.accountId as string,
      input.title as string,
      agent.token,
      agent.id,
      teamId,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("rate-limit refusals", () => {
  it("are counted by bucket, and /metrics is open when no METRICS_TOKEN is set", async () => {
    const limited = await createTestApp();
    try {
      limited.config.limits.anonymousRateLimitPerMinute = 1;
      const { url: limitedUrl, port: limitedPort } = await (async () => {
        // Rate limits are built at start from the config; rebuild with the low limit.
        await limited.stop();
        const again = await createTestApp({ limits: { ...limited.config.limits, anonymousRateLimitPerMinute: 1 } });
        Object.assign(limited, { stop: again.stop, close: again.close });
        return again.start(0);
      })();
      const send = () =>
        fetch(limitedUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: PING }) });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(429);
      const text = await (await fetch(`http://127.0.0.1:${limitedPort}/metrics`)).text();
      const families = parsePrometheus(text);
      expect(sampleValue(families, "caseflow_rate_limit_refusals_total", { bucket: "address" })).toBe(1);
      expect(sampleValue(families, "caseflow_graphql_errors_total", { code: "RATE_LIMITED", transport: "http" })).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

describe("event bus lag", () => {
  it("is measured for events that come from another instance through Redis", async () => {
    const prefix = `caseflow-test-${randomUUID()}:`;
    const lags: { topic: string; lagMs: number }[] = [];
    const sender = createRealtime(REDIS_URL, prefix);
    const receiver = createRealtime(REDIS_URL, prefix, { onRelayed: (topic, lagMs) => lags.push({ topic, lagMs }) });
    const probe = new Redis(REDIS_URL);
    try {
      const iterator = receiver.pubsub.subscribe("credentials-revoked")[Symbol.asyncIterator]();
      const arrived = iterator.next();
      // Published once Redis itself reports the receiver's subscription to the channel.
      while (Number((await probe.pubsub("NUMSUB", `${prefix}credentials-revoked`))[1]) < 1);
      sender.pubsub.publish("credentials-revoked", { tokenId: "t" });
      expect((await arrived).value).toEqual({ tokenId: "t" });
      await iterator.return?.();
      expect(lags.length).toBeGreaterThanOrEqual(1);
      expect(lags[0]!.topic).toBe("credentials-revoked");
      expect(lags[0]!.lagMs).toBeGreaterThanOrEqual(0);
    } finally {
      await Promise.all([sender.close(), receiver.close(), probe.quit()]);
    }
  });
});

describe("request ids and the access log", () => {
  it("keeps a plausible X-Request-Id, returns it, and puts it on errors and on every log line of the request", async () => {
    const id = `req-${randomUUID()}`;
    const { response, body } = await post(
      { query: "query Broken { noSuchField }" },
      { authorization: `Bearer ${agent.token}`, "x-request-id": id },
    );
    expect(response.headers.get("x-request-id")).toBe(id);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", requestId: id });
    const access = await logs.next((line) => line.access && line.requestId === id);
    expect(access).toMatchObject({
      transport: "http",
      method: "POST",
      route: "/graphql",
      // Refused before it ran: no operation executed, and GraphQL over HTTP answers 400.
      status: 400,
      operations: [],
      credential: "session",
      errors: ["GRAPHQL_VALIDATION_FAILED"],
    });
    expect(logs.lines.filter((line) => line.access && line.requestId === id)).toHaveLength(1);
  });

  it("replaces an implausible id with a new one", async () => {
    const { response } = await post({ query: PING }, { "x-request-id": "<script>alert(1)</script>" });
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the operation, credential kind and id in one line, without personal data, and tags the request's other lines", async () => {
    const id = randomUUID();
    const contact = "li.private@example.org";
    const created = await post(
      {
        query: "mutation Open($input: CreateTicketInput!) { createTicket(input: $input) { __typename } }",
        variables: { input: ticketInput({ requester: { name: "Li Private", contact } }) },
      },
      { authorization: `Bearer ${agent.token}`, "x-request-id": id },
    );
    expect(created.body.data.createTicket.__typename).toBe("CreateTicketPayload");
    const access = await logs.next((line) => line.access && line.requestId === id);
    expect(access).toMatchObject({ operations: ["mutation Open"], credential: "session", status: 200, transport: "http" });
    expect(typeof access.credentialId).toBe("string");
    expect(JSON.stringify(access)).not.toContain(contact);
    expect(JSON.stringify(access)).not.toContain("Li Private");

    // A log line written inside the request by another module carries the id too.
    const failedLogin = randomUUID();
    await post(
      { query: 'mutation { login(input: { email: "nobody@example.org", password: "wrong password here" }) { __typename } }' },
      { "x-request-id": failedLogin },
    );
    const warning = await logs.next((line) => line.msg === "login failed" && line.requestId === failedLogin);
    expect(warning.requestId).toBe(failedLogin);
  });

  it("gives each WebSocket operation its own id, on its errors and its access line", async () => {
    const client = wsClient(port, agent.token);
    try {
      const refused = await new Promise<any[]>((resolve) => {
        client.subscribe(
          { query: "query Broken { noSuchField }" },
          { next: () => {}, error: (errors) => resolve(errors as any[]), complete: () => {} },
        );
      });
      const requestId = refused[0].extensions.requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(refused[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
      const access = await logs.next((line) => line.access && line.requestId === requestId);
      expect(access).toMatchObject({ transport: "ws", status: "refused", credential: "session", errors: ["GRAPHQL_VALIDATION_FAILED"] });

      const done = await new Promise<any>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: PING }, { next: (result) => (value = result), error: reject, complete: () => resolve(value) });
      });
      expect(done.data).toEqual({ __typename: "Query" });
      const line = await logs.next((entry) => entry.access && entry.transport === "ws" && entry.operations?.[0] === "query Ping");
      expect(line).toMatchObject({ status: "ok", credential: "session" });
      expect(line.requestId).not.toBe(requestId);
    } finally {
      await client.dispose();
    }
  });
});
