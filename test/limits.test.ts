import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationCost } from "../src/http/limits.js";
import { createTestApp, type TestApp, testConfig } from "./helpers/app.js";
import { createTicketVia, moveVia, seedTeam, seedUser, type TestUser, TRANSITION } from "./helpers/seed.js";

let app: TestApp;
let agent: TestUser;
let team: Awaited<ReturnType<typeof seedTeam>>;
const limits = testConfig().limits;

beforeAll(async () => {
  app = await createTestApp({
    slaMonitor: false,
    limits: {
      ...limits,
      maxDepth: 8,
      maxAliases: 5,
      maxTokens: 800,
      maxDirectives: 10,
      maxCost: 400,
      maxBatch: 3,
      maxBodyBytes: 20_000,
      // Long enough for the setup writes on a busy machine; the timeout tests hold a lock until it answers.
      executionTimeoutMs: 2000,
    },
  });
  team = await seedTeam(app);
  agent = await seedUser(app, "AGENT", [team.id]);
});
afterAll(() => app.close());

const codeOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe("operation limits", () => {
  it("refuse too deep, too many aliases, tokens or directives, and too costly, before running anything", async () => {
    const deep = `{ me { teams { members { teams { members { teams { members { teams { name } } } } } } } } }`;
    const aliases = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: health`).join(" ")} }`;
    const tokens = `{ health ${"__typename ".repeat(800)} }`;
    const directives = `{ health ${"@skip(if: false) ".repeat(11)} }`;
    const costly = `{ tickets(first: 100) { edges { node { comments(first: 100) { totalCount } } } } }`;
    for (const [query, what] of [
      [deep, /depth/i],
      [aliases, /alias/i],
      [tokens, /token/i],
      [directives, /directive/i],
      [costly, /cost/i],
    ] as const) {
      const result = await app.gql(query, {}, { token: agent.token });
      expect(result.status, query.slice(0, 40)).toBe(400);
      expect(codeOf(result)).toBe("OPERATION_LIMIT");
      expect(result.errors?.[0]?.message).toMatch(what);
      expect(result.data).toBeUndefined();
    }
    expect((await app.gql(`{ me { teams { name } } }`, {}, { token: agent.token })).data.me.teams).toEqual([{ name: team.name }]);
  });

  it("cost one per field, times the page sizes around it", () => {
    const cost = (query: string) => {
      const document = parse(query);
      const fragments = Object.fromEntries(
        document.definitions
          .filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [(d as FragmentDefinitionNode).name.value, d as FragmentDefinitionNode]),
      );
      return operationCost((document.definitions[0] as OperationDefinitionNode).selectionSet, fragments);
    };
    // tickets, edges, node, id: 10 each; comments, edges, node, id: 10 × 5 each.
    expect(cost(`{ tickets(first: 10) { edges { node { id comments(first: 5) { edges { node { id } } } } } } }`)).toBe(240);
    expect(cost(`query($n: Int) { tickets(first: $n) { totalCount } }`)).toBe(200);
    expect(cost(`{ tickets(last: 2) { ...F } } fragment F on TicketConnection { totalCount pageInfo { hasNextPage } }`)).toBe(
      2 + 2 + 2 + 2,
    );
    expect(cost(`{ a: health b: health }`)).toBe(2);
  });

  it("bound batches", async () => {
    const send = (n: number) =>
      app.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${agent.token}` },
        body: JSON.stringify(Array.from({ length: n }, () => ({ query: "{ health }" }))),
      });
    expect(((await (await send(3)).json()) as unknown[]).length).toBe(3);
    const tooMany = await send(4);
    expect(tooMany.status).toBe(413);
    expect(JSON.stringify(await tooMany.json())).toMatch(/Batching is limited to 3/);
  });

  it("refuse a body over the limit, with or without a declared length", async () => {
    const big = JSON.stringify({ query: "{ health }", variables: { pad: "x".repeat(30_000) } });
    const declared = await app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      errors: [{ message: "The request body may be at most 20000 bytes", extensions: { code: "BODY_TOO_LARGE" } }],
    });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const small = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ query: "{ health }" })));
        controller.close();
      },
    });
    const ok = await app.yoga.fetch("http://caseflow.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: small,
      duplex: "half",
    } as RequestInit);
    expect(await ok.json()).toEqual({ data: { health: expect.any(String) } });
  });

  it("refuse a chunked body over the limit whatever its content type, and parse one within it as usual", async () => {
    const chunked = (text: string) =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
    const send = (type: string, text: string) =>
      app.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": type, authorization: `Bearer ${agent.token}` },
        body: chunked(text),
        duplex: "half",
      } as RequestInit);
    const pad = "#".repeat(30_000);
    for (const [type, big, small] of [
      ["application/graphql", `{ health }\n${pad}`, "{ health }"],
      [
        "application/x-www-form-urlencoded",
        `query=${encodeURIComponent("{ health }")}&pad=${pad}`,
        `query=${encodeURIComponent("{ health }")}`,
      ],
    ] as const) {
      expect((await send(type, big)).status, type).toBe(413);
      expect(await (await send(type, small)).json(), type).toEqual({ data: { health: expect.any(String) } });
    }
    // A type no parser takes is refused without reading the body.
    expect((await send("text/plain", pad)).status).toBe(415);
  });

  it("stop an operation that runs past the execution timeout with code TIMEOUT", async () => {
    // Another transaction holds the survey table until the answer is in; an anonymous
    // survey answer has to wait for it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const holder = app.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "Survey" IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      },
      { timeout: 60_000 },
    );
    await lockHeld;
    // It answers at the timeout while the lock is still held: waiting for the lock instead
    // would never answer, since the lock goes only after the answer.
    const result = await app.gql(`mutation { submitSurvey(input: { token: "cfv_unknown", rating: SATISFIED }) { __typename } }`);
    release();
    await holder;
    expect(codeOf(result)).toBe("TIMEOUT");
    expect(result.errors?.[0]?.message).toBe("The operation took longer than 2000 ms and was stopped");
  });

  it("roll back a write still running at the timeout instead of committing it after the answer", async () => {
    const ticket = await createTicketVia(app, agent.token, { teamId: team.gid });
    for (const input of [{ to: "NOT_STARTED" }, { to: "TEAM_CHECKING" }, { to: "INFORM_CUSTOMER", note: "refund sent" }]) {
      expect((await moveVia(app, agent.token, { id: ticket.id, ...input })).__typename).toBe("TransitionTicketPayload");
    }
    const CLOSE = TRANSITION.replace("... on TransitionTicketPayload {", "... on TransitionTicketPayload { surveyToken");
    const { surveyToken } = (await app.gql(CLOSE, { input: { id: ticket.id, to: "DONE", resolution: "refunded" } }, { token: agent.token }))
      .data.transitionTicket;
    // The audit table is locked against writes until the answer has come back: the answer is
    // saved, its event has to wait, and the execution timeout (2 s) answers first.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const LOCK = `LOCK TABLE "TicketEvent" IN EXCLUSIVE MODE`;
    const holder = app.db.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(LOCK);
        locked();
        await released;
      },
      { timeout: 60_000 },
    );
    await lockHeld;
    const ANSWER = `mutation($token: String!) { submitSurvey(input: { token: $token, rating: SATISFIED }) { __typename } }`;
    expect(codeOf(await app.gql(ANSWER, { token: surveyToken }))).toBe("TIMEOUT");
    release();
    await holder;
    // Once the lock is gone the write could go on; it must not commit after TIMEOUT was answered.
    // Taking the lock again queues behind the write that was waiting for it, so once it is
    // ours that write has ended, one way or the other.
    await app.db.prisma.$transaction((tx) => tx.$executeRawUnsafe(LOCK));
    expect(await app.db.prisma.survey.findFirstOrThrow({ where: { ticket: { number: ticket.number } } })).toMatchObject({
      answeredAt: null,
      rating: null,
    });
    // The same answer in time goes through.
    expect((await app.gql(ANSWER, { token: surveyToken })).data.submitSurvey.__typename).toBe("SubmitSurveyPayload");
  });
});

describe("rate limits", () => {
  it("refuse a credential past its rate with 429, a retry hint, and leave others alone", async () => {
    const limited = await createTestApp({
      slaMonitor: false,
      limits: { ...limits, rateLimitPerMinute: 3, anonymousRateLimitPerMinute: 2 },
    });
    try {
      const desk = await seedTeam(limited);
      const [a, b] = [await seedUser(limited, "AGENT", [desk.id]), await seedUser(limited, "AGENT", [desk.id])];
      for (let i = 0; i < 3; i++) expect((await limited.gql(`{ health }`, {}, { token: a.token })).status).toBe(200);
      const response = await limited.yoga.fetch("http://caseflow.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${a.token}` },
        body: JSON.stringify({ query: "{ health }" }),
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await response.json()).toMatchObject({
        errors: [{ extensions: { code: "RATE_LIMITED" }, message: expect.stringMatching(/retry in \d+ s/) }],
      });
      expect((await limited.gql(`{ health }`, {}, { token: b.token })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await limited.gql(`{ health }`)).status).toBe(200);
      expect((await limited.gql(`{ health }`)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe("production mode", () => {
  it("turns off introspection and GraphiQL, prevents CSRF, hides suggestions, and runs only persisted operations when an allow-list is set", async () => {
    const file = path.join(tmpdir(), `caseflow-ops-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ health: "query Health { health }", me: "query Me { me { name } }" }));
    const prod = await createTestApp({
      slaMonitor: false,
      production: true,
      introspection: false,
      graphiql: false,
      persistedOperationsFile: file,
    });
    try {
      const post = (body: unknown, headers: Record<string, string> = {}) =>
        prod.yoga.fetch("http://caseflow.test/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
          body: JSON.stringify(body),
        });
      const known = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "health" } } });
      expect(await known.json()).toEqual({ data: { health: expect.any(String) } });
      const arbitrary = await post({ query: "{ health }" });
      const refused = await arbitrary.json();
      expect(refused.data).toBeUndefined();
      expect(JSON.stringify(refused)).toMatch(/PERSISTED_QUERY_ONLY/);
      const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "nope" } } });
      expect(JSON.stringify(await unknown.json())).toMatch(/PERSISTED_QUERY_NOT_FOUND/);
      const page = await prod.yoga.fetch("http://caseflow.test/graphql", { headers: { accept: "text/html" } });
      expect(await page.text()).not.toMatch(/graphiql/i);
      // A GET without the CSRF header is refused before anything runs.
      const csrf = await prod.yoga.fetch(
        "http://caseflow.test/graphql?extensions=" +
          encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "health" } })),
      );
      expect(csrf.status).toBe(403);
    } finally {
      await prod.close();
    }
    const noList = await createTestApp({ slaMonitor: false, production: true, introspection: false, graphiql: false });
    try {
      const schema = await noList.gql(`{ __schema { types { name } } }`);
      expect(schema.errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await noList.gql(`{ helth }`);
      expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    } finally {
      await noList.close();
    }
  });
});
