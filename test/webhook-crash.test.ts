// A webhook in flight when its server is killed with SIGKILL is not lost: the server runs
// as a child process, the receiver holds the first attempt open, the server is killed
// while it waits, and once restarted on the same database the delivery arrives again with
// the same webhook-id (at least once), signed as before. The retry comes when the killed
// claim's lease ends (WEBHOOK_TIMEOUT_MS plus WEBHOOK_LEASE_MARGIN_SECONDS, shortened
// here to 5 s + 2 s), on the restarted server's real clock. Runs on the database of the run: embedded PGlite, or
// PostgreSQL with DATABASE_URL.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase } from "./helpers/app.js";
import { gqlAt, preparedDataDir, type Running, startServer } from "./helpers/process.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Arrival {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that holds its first request open (no answer) and answers 204 to the rest. */
async function holdingReceiver() {
  const arrivals: Arrival[] = [];
  const waiting: ((arrival: Arrival) => void)[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const arrival = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      if (arrivals.push(arrival) === 1) held.push(res);
      else res.writeHead(204).end();
      waiting.shift()?.(arrival);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let seen = 0;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    /** The next request, in arrival order. */
    next(): Promise<Arrival> {
      const index = seen++;
      return index < arrivals.length ? Promise.resolve(arrivals[index]!) : new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ADMIN = { email: "admin@example.com", password: "correct horse battery" };
// Long enough that a loaded machine does not time out the redelivery answered at once.
const TIMEOUT_MS = 5000;
const LEASE_MARGIN_MS = 2000;

describe("SIGKILL while a webhook is in flight", () => {
  it("delivers it after the restart, with the same webhook-id", async () => {
    const dataDir = await preparedDataDir("caseflow-webhook-crash-");
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { database, drop } = await freshDatabase();
    cleanups.push(drop);
    const receiver = await holdingReceiver();
    cleanups.push(() => receiver.close());
    const env = {
      DATA_DIR: dataDir,
      ...(database.kind === "postgres" ? { DATABASE_URL: database.url } : {}),
      CASEFLOW_ADMIN_EMAIL: ADMIN.email,
      CASEFLOW_ADMIN_PASSWORD: ADMIN.password,
      CASEFLOW_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      RATE_LIMIT_PER_MINUTE: "1000000",
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true", // the receiver is on 127.0.0.1
      WEBHOOK_DISPATCH_INTERVAL_MS: "100",
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_LEASE_MARGIN_SECONDS: String(LEASE_MARGIN_MS / 1000),
      LOG_LEVEL: "info",
    };

    let server: Running = await startServer(env);
    cleanups.push(async () => {
      server.child.kill("SIGKILL");
      await server.exited;
    });
    const login = await gqlAt(server.url, `mutation($i: LoginInput!) { login(input: $i) { ... on LoginPayload { token } } }`, { i: ADMIN });
    const token: string = login.data.login.token;
    const team = await gqlAt(
      server.url,
      `mutation { createTeam(input: { name: "Hooks" }) { ... on TeamPayload { team { id } } } }`,
      {},
      token,
    );
    const teamId: string = team.data.createTeam.team.id;
    const endpoint = await gqlAt(
      server.url,
      `mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) {
        ... on WebhookSecretPayload { secret endpoint { id } } } }`,
      { i: { url: receiver.url, eventTypes: ["TICKET_CREATED"], teamIds: [teamId] } },
      token,
    );
    const { secret, endpoint: created } = endpoint.data.createWebhookEndpoint as { secret: string; endpoint: { id: string } };
    const ticket = await gqlAt(
      server.url,
      `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on CreateTicketPayload { ticket { number } } } }`,
      { i: { title: "ACC-1 in flight", accountId: "ACC-1", channel: "WEB", type: "INQUIRY", priority: "LOW", teamId } },
      token,
    );
    const number: string = ticket.data.createTicket.ticket.number;

    // The first attempt is held open by the receiver; the server dies waiting for the answer.
    const first = await receiver.next();
    server.child.kill("SIGKILL");
    // Bounded so a lost delivery fails with a message instead of the test's timeout, and
    // below the default 60 s margin, so a margin setting that is not applied fails too.
    const bound = 45_000;
    const deadline = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no redelivery ${bound} ms after the kill`)), bound).unref(),
    );
    deadline.catch(() => {}); // raced below
    await server.exited;

    server = await startServer(env);
    const second = await Promise.race([receiver.next(), deadline]);
    // That the retry waits for the lease is test/webhooks.test.ts's, on the injected clock.
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    for (const arrival of [first, second]) {
      const verified = new Webhook(secret).verify(arrival.body, {
        "webhook-id": String(arrival.headers["webhook-id"]),
        "webhook-timestamp": String(arrival.headers["webhook-timestamp"]),
        "webhook-signature": String(arrival.headers["webhook-signature"]),
      }) as { type: string; data: { ticket: { number: string } } };
      expect(verified.type).toBe("TICKET_CREATED");
      expect(verified.data.ticket.number).toBe(number);
    }
    // A later case's webhook as the sentinel: scans run one after another and record their
    // outcomes before the next begins, so once it arrives the redelivery's outcome is saved.
    await gqlAt(
      server.url,
      `mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename } }`,
      { i: { title: "ACC-2 sentinel", accountId: "ACC-2", channel: "WEB", type: "INQUIRY", priority: "LOW", teamId } },
      token,
    );
    const sentinel = await receiver.next();
    expect(sentinel.headers["webhook-id"]).not.toBe(first.headers["webhook-id"]);
    const deliveries = await gqlAt(
      server.url,
      `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 5) { edges { node { webhookId status attempts lastResponseCode } } } }`,
      { id: created.id },
      token,
    );
    expect(deliveries.data.webhookDeliveries.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      webhookId: first.headers["webhook-id"],
      status: "DELIVERED",
      attempts: 2,
      lastResponseCode: 204,
    });
    expect(receiver.arrivals.filter((a) => a.headers["webhook-id"] === first.headers["webhook-id"])).toHaveLength(2);
  }, 300_000);
});
