// Every protection of the request gate, over every road in: GraphQL over HTTP, server-sent
// events and graphql-ws. A protection added for one road only fails here for the others.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { seedApiToken, seedTeam, seedUser } from "./helpers/seed.js";
import { RawSocket, sendOver, TRANSPORTS } from "./helpers/transports.js";

const codes = (outcome: { errors?: { extensions?: Record<string, any> }[] }) => outcome.errors?.map((e) => e.extensions?.code);

describe("persisted operations only", () => {
  const document = "query Health { health }";
  const hash = createHash("sha256").update(document).digest("hex");
  let app: TestApp;
  let port: number;
  let token: string;
  beforeAll(async () => {
    const file = path.join(tmpdir(), `caseflow-persisted-${process.pid}-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ [hash]: document, "health-v1": document }));
    app = await createTestApp({ slaMonitor: false, persistedOperationsFile: file });
    ({ port } = await app.start(0));
    ({ token } = await seedUser(app, "ADMIN"));
  });
  afterAll(() => app.close());

  for (const transport of TRANSPORTS) {
    it(`refuses a free document over ${transport}`, async () => {
      const outcome = await sendOver(transport, app, port, token, { query: "{ users { edges { node { email role } } } }" });
      expect(codes(outcome)).toEqual(["PERSISTED_QUERY_ONLY"]);
      expect(outcome.data ?? null).toBeNull();
    });

    it(`runs a persisted operation by documentId or by hash over ${transport}`, async () => {
      expect((await sendOver(transport, app, port, token, { documentId: "health-v1" })).data).toEqual({ health: "ok" });
      const byHash = await sendOver(transport, app, port, token, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
      expect(byHash.data).toEqual({ health: "ok" });
      expect(codes(await sendOver(transport, app, port, token, { documentId: "unknown" }))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    });
  }
});

describe("introspection off", () => {
  let app: TestApp;
  let port: number;
  let token: string;
  beforeAll(async () => {
    app = await createTestApp({ slaMonitor: false, introspection: false });
    ({ port } = await app.start(0));
    ({ token } = await seedUser(app, "ADMIN"));
  });
  afterAll(() => app.close());

  for (const transport of TRANSPORTS) {
    it(`refuses __schema and __type over ${transport}, answers the rest`, async () => {
      for (const query of ["{ __schema { types { name } } }", `{ __type(name: "Ticket") { fields { name } } }`]) {
        const outcome = await sendOver(transport, app, port, token, { query });
        expect(outcome.errors?.[0]?.message, query).toMatch(/introspection/i);
        expect(outcome.data ?? null).toBeNull();
      }
      expect((await sendOver(transport, app, port, token, { query: "{ health }" })).data).toEqual({ health: "ok" });
    });
  }
});

describe("operation limits and well-formed strings", () => {
  let app: TestApp;
  let port: number;
  let token: string;
  const deep = `{ me { teams { members { teams { members { teams { members { teams { name } } } } } } } } }`;
  beforeAll(async () => {
    app = await createTestApp({ slaMonitor: false, limits: { ...testConfig().limits, maxDepth: 8 } });
    ({ port } = await app.start(0));
    const team = await seedTeam(app);
    ({ token } = await seedUser(app, "AGENT", [team.id]));
  });
  afterAll(() => app.close());

  for (const transport of TRANSPORTS) {
    it(`refuses a too deep operation over ${transport}`, async () => {
      const outcome = await sendOver(transport, app, port, token, { query: deep });
      expect(codes(outcome)).toEqual(["OPERATION_LIMIT"]);
    });

    it(`refuses NUL and unpaired surrogates in variables and literals over ${transport}, naming the field`, async () => {
      const search = `query($q: String) { tickets(first: 1, filter: { search: $q }) { totalCount } }`;
      for (const bad of ["a\u0000b", "\ud800x", "x\udc00"]) {
        const outcome = await sendOver(transport, app, port, token, { query: search, variables: { q: bad } });
        expect(codes(outcome), JSON.stringify(bad)).toEqual(["VALIDATION"]);
        expect(outcome.errors?.[0]?.extensions?.field).toBe("q");
      }
      const literal = await sendOver(transport, app, port, token, {
        query: `{ tickets(first: 1, filter: { search: "a\\u0000b" }) { totalCount } }`,
      });
      expect(codes(literal)).toEqual(["VALIDATION"]);
      expect(literal.errors?.[0]?.extensions?.field).toBe("filter.search");
      const fine = await sendOver(transport, app, port, token, { query: search, variables: { q: "😀 ok" } });
      expect(fine.errors).toBeUndefined();
    });
  }

  it("fails only the refused operation on a socket; the socket's other subscriptions go on", async () => {
    const socket = await RawSocket.open(port, token);
    try {
      socket.send({ id: "live", type: "subscribe", payload: { query: "subscription { alerts { kind } }" } });
      const refused = await socket.run("deep", { query: deep });
      expect(codes(refused)).toEqual(["OPERATION_LIMIT"]);
      // The socket still answers, and its live subscription was not completed.
      expect((await socket.run("after", { query: "{ health }" })).data).toEqual({ health: "ok" });
      expect(socket.messages.some((m) => m.id === "live" && (m.type === "complete" || m.type === "error"))).toBe(false);
    } finally {
      socket.close();
    }
  });
});

describe("rate limits", () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await createTestApp({
      slaMonitor: false,
      limits: { ...testConfig().limits, rateLimitPerMinute: 4, anonymousRateLimitPerMinute: 2 },
    });
    ({ port } = await app.start(0));
  });
  afterAll(() => app.close());

  it("count operations of every road into one bucket per credential", async () => {
    const { token } = await seedUser(app, "AGENT");
    const outcomes = [];
    for (const transport of ["http", "sse", "ws", "http", "ws", "sse"] as const) {
      outcomes.push(codes(await sendOver(transport, app, port, token, { query: "{ health }" }))?.[0] ?? "ok");
    }
    expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("count every operation of a socket", async () => {
    const { token } = await seedUser(app, "AGENT");
    const socket = await RawSocket.open(port, token);
    try {
      const outcomes = [];
      for (let i = 0; i < 6; i++) outcomes.push(codes(await socket.run(`q${i}`, { query: "{ health }" }))?.[0] ?? "ok");
      expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
      const refused = socket.messages.find((m) => m.type === "error");
      expect(refused.payload[0].extensions).toEqual({
        code: "RATE_LIMITED",
        retryAfterSeconds: expect.any(Number),
        requestId: expect.any(String),
      });
    } finally {
      socket.close();
    }
  });

  it("count each operation of a batch", async () => {
    const { token } = await seedUser(app, "AGENT");
    const response = await app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(Array.from({ length: 6 }, () => ({ query: "{ health }" }))),
    });
    const results = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }[];
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? "ok")).toEqual(["ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("key on the credential, not on how the header is spelled", async () => {
    const { token } = await seedApiToken(app, ["tickets:read"]);
    const statuses = [];
    for (const header of [`Bearer ${token}`, `bearer  ${token}`, `BEARER ${token}`, `Bearer\t${token}`, `bearer ${token}`]) {
      statuses.push((await app.gql("{ health }", {}, { headers: { authorization: header } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it("count requests with credentials that name nothing against the address", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.gql("{ health }", {}, { token: `cfs_forged${i}` })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe("credentials, the execution timeout and masking", () => {
  let app: TestApp;
  let port: number;
  let token: string;
  beforeAll(async () => {
    app = await createTestApp({ slaMonitor: false, limits: { ...testConfig().limits, executionTimeoutMs: 300 } });
    ({ port } = await app.start(0));
    ({ token } = await seedUser(app, "AGENT"));
  });
  afterAll(() => app.close().catch(() => {}));

  it("refuses credentials that name nothing on every road", async () => {
    for (const transport of ["http", "sse"] as const) {
      const outcome = await sendOver(transport, app, port, "cfs_forged", { query: "{ health }" });
      expect(outcome.status, transport).toBe(401);
      expect(codes(outcome)).toEqual(["UNAUTHENTICATED"]);
    }
    await expect(RawSocket.open(port, "cfs_forged")).rejects.toThrow(/4403/);
  });

  it("answers TIMEOUT on every road when an operation runs past the execution timeout", async () => {
    // Another transaction holds the survey table until every road has had its answer.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = app.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "Survey" IN ACCESS EXCLUSIVE MODE`);
        locked();
        await held;
      },
      { timeout: 60_000 },
    );
    await lockTaken;
    try {
      const survey = `mutation { submitSurvey(input: { token: "cfv_unknown", rating: SATISFIED }) { __typename } }`;
      // Surveys are answered anonymously over HTTP and SSE. A WebSocket needs credentials,
      // checked per operation with a query: embedded PGlite has one connection, which the
      // lock holds, so that check would wait for the lock too; PostgreSQL has a pool.
      const roads = process.env.DATABASE_URL ? TRANSPORTS : (["http", "sse"] as const);
      for (const transport of roads) {
        expect(codes(await sendOver(transport, app, port, transport === "ws" ? token : null, { query: survey })), transport).toEqual([
          "TIMEOUT",
        ]);
      }
    } finally {
      release();
      await holder;
    }
  });

  it("masks an unexpected failure on every road", async () => {
    const socket = await RawSocket.open(port, token);
    await app.db.close();
    try {
      for (const transport of TRANSPORTS) {
        const outcome =
          transport === "ws"
            ? await socket.run("after-close", { query: "{ me { name } }" })
            : await sendOver(transport, app, port, token, { query: "{ me { name } }" });
        expect(
          outcome.errors?.map((e) => e.message),
          transport,
        ).toEqual(["Unexpected error."]);
        expect(JSON.stringify(outcome), transport).not.toMatch(/pglite|prisma|postgres|SELECT|closed|\.ts:\d+|at /i);
      }
    } finally {
      socket.close();
    }
  });
});
