// Behind a reverse proxy the operator trusts (TRUSTED_PROXIES), limits and logs key on
// the client's address from X-Forwarded-For, on every road: HTTP, server-sent events and
// graphql-ws. Without that trust, the header is ignored: a client writing it gets no fresh
// rate-limit bucket.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";

const limits = { ...testConfig().limits, anonymousRateLimitPerMinute: 2 };
const apps: TestApp[] = [];
const ports = new Map<string, number>();

beforeAll(async () => {
  for (const [name, trustedProxies] of [
    ["trusting", ["loopback"]],
    ["untrusting", []],
  ] as const) {
    const app = await createTestApp({ limits, trustedProxies: [...trustedProxies], slaMonitor: false });
    apps.push(app);
    ports.set(name, (await app.start(0)).port);
  }
});
afterAll(() => Promise.all(apps.map((app) => app.close())));

async function anonymous(server: string, forwardedFor: string, accept = "application/graphql-response+json"): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${ports.get(server)}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept, "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ query: "{ health }" }),
  });
  await response.text();
  return response.status;
}

/** A graphql-ws connection with a token that names nothing: refused, and counted against the address. */
function badSocket(server: string, forwardedFor: string): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${ports.get(server)}/graphql`, "graphql-transport-ws", {
    headers: { "x-forwarded-for": forwardedFor },
  });
  socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: "Bearer cf_s_nothing" } })));
  return new Promise((resolve) => socket.on("close", (code) => resolve(code)));
}

describe("the client's address behind a trusted reverse proxy", () => {
  it("counts each forwarded client on its own, over HTTP and server-sent events", async () => {
    expect([await anonymous("trusting", "203.0.113.1"), await anonymous("trusting", "203.0.113.1", "text/event-stream")]).toEqual([
      200, 200,
    ]);
    expect(await anonymous("trusting", "203.0.113.1")).toBe(429);
    expect(await anonymous("trusting", "203.0.113.2")).toBe(200);
    // Only the hop the trusted proxy appended counts: a client's own entry further left is ignored.
    expect(await anonymous("trusting", "198.51.100.9, 203.0.113.1")).toBe(429);
  });

  it("counts a WebSocket's refused credentials against the forwarded client", async () => {
    expect([await badSocket("trusting", "203.0.113.3"), await badSocket("trusting", "203.0.113.3")]).toEqual([4403, 4403]);
    expect(await anonymous("trusting", "203.0.113.3")).toBe(429);
    expect(await anonymous("trusting", "203.0.113.4")).toBe(200);
  });

  it("ignores X-Forwarded-For from a peer it does not trust", async () => {
    const statuses = [];
    for (const address of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) statuses.push(await anonymous("untrusting", address));
    expect(statuses).toEqual([200, 200, 429]);
  });
});
