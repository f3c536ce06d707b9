import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedUser } from "./helpers/seed.js";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const post = (body: string, accept = "application/graphql-response+json") =>
  app.yoga.fetch("http://caseflow.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept },
    body,
  });

describe("HTTP pipeline", () => {
  it("answers { health } and me: null for anonymous callers", async () => {
    const result = await app.gql("{ health me { id } }");
    expect(result).toEqual({ status: 200, data: { health: "ok", me: null }, errors: undefined });
  });

  it("serves liveness and readiness", async () => {
    expect((await app.yoga.fetch("http://caseflow.test/health")).status).toBe(200);
    expect((await app.yoga.fetch("http://caseflow.test/ready")).status).toBe(200);
  });

  it("answers a malformed JSON body with 400 and a GraphQL error body", async () => {
    const response = await post("{not json");
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/invalid JSON/i);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
  });

  it("answers a syntax error with 400 and its location", async () => {
    const response = await post(JSON.stringify({ query: "{ health " }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/Syntax Error/);
    expect(body.errors[0].locations).toEqual([{ line: 1, column: 10 }]);
  });

  it("answers an unknown operation name with 400", async () => {
    const response = await post(JSON.stringify({ query: "query A { health }", operationName: "B" }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/operation/i);
  });

  it("answers an unknown field with 400 naming it", async () => {
    const response = await post(JSON.stringify({ query: "{ nope }" }));
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].message).toMatch(/Cannot query field "nope"/);
  });

  it("refuses a bearer token it does not know with 401 UNAUTHENTICATED", async () => {
    const result = await app.gql("{ health }", {}, { token: "cft_not-a-real-token" });
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers a query over server-sent events", async () => {
    const response = await app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "{ health }" }),
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await response.text();
    expect(text).toMatch(/event: next\ndata: {"data":{"health":"ok"}}/);
    expect(text).toMatch(/event: complete/);
  });
});

describe("graphql-ws on the same port and path", () => {
  let port: number;
  let token: string;
  beforeAll(async () => {
    ({ port } = await app.start(0));
    ({ token } = await seedUser(app, "AGENT"));
  });

  it("completes the graphql-transport-ws handshake and runs an operation", async () => {
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: "{ health }" }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
      });
      expect(result).toEqual({ data: { health: "ok" } });
    } finally {
      await client.dispose();
    }
  });

  it("closes a connection without credentials, or with invalid ones, with 4403", async () => {
    for (const payload of [{}, { authorization: "Bearer cfs_forged" }]) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws");
      const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload })));
      expect(await closed).toBe(4403);
    }
  });
});
