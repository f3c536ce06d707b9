// The typed client for frontends (clients/typescript): its types refuse wrong usage, its
// committed generated code is what codegen produces from schema.graphql now, and its
// operations run against the real server in allow-list mode, started with the generated
// persisted-documents.json as PERSISTED_OPERATIONS_FILE, over HTTP POST and GET and graphql-ws.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { codegenConfig, GENERATED_DIR } from "../clients/typescript/codegen.js";
import {
  AddCommentDocument,
  type CaseflowClient,
  CaseflowError,
  createCaseflowClient,
  DashboardDocument,
  HealthDocument,
  IntakeDocument,
  OpenCasesDocument,
  SignInDocument,
  SlaAlertsDocument,
  SubmitDocument,
} from "../clients/typescript/src/index.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { liveOrEnded } from "./helpers/live.js";
import { seedTeam, seedUser, ticketInput } from "./helpers/seed.js";

const CLIENT_DIR = path.resolve("clients/typescript");
const MANIFEST = path.resolve(GENERATED_DIR, "persisted-documents.json");
const MISUSE = path.join(CLIENT_DIR, "examples/misuse.ts");

describe("the client's types", () => {
  /** The diagnostics of the client's own tsconfig.json, with some files' text replaced. */
  let previous: ts.Program | undefined;
  function diagnostics(replaced: Map<string, string> = new Map()): readonly ts.Diagnostic[] {
    const configFile = path.join(CLIENT_DIR, "tsconfig.json");
    const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
    if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, CLIENT_DIR);
    const host = ts.createCompilerHost(parsed.options);
    const original = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, language, ...rest) => {
      const text = replaced.get(path.resolve(fileName));
      return text === undefined ? original(fileName, language, ...rest) : ts.createSourceFile(fileName, text, language);
    };
    previous = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, oldProgram: previous });
    return ts.getPreEmitDiagnostics(previous);
  }
  const describeAll = (list: readonly ts.Diagnostic[]) =>
    list.map((d) => `${d.file?.fileName ?? ""}:${d.start ?? 0} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);

  it("type-check (sources, generated code, examples), and every misuse line is a type error", async () => {
    // Clean as committed: an unused @ts-expect-error (a misuse that compiles) would be TS2578.
    expect(describeAll(diagnostics())).toEqual([]);

    // Without the directives, each line after one fails, and nothing else does.
    const text = await readFile(MISUSE, "utf8");
    const lines = text.split("\n");
    const expected = lines.flatMap((line, index) => (line.trim().startsWith("// @ts-expect-error") ? [index + 1] : []));
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const stripped = lines.map((line) => line.replace("// @ts-expect-error", "// (directive removed)")).join("\n");
    const found = diagnostics(new Map([[MISUSE, stripped]]));
    const sourceFile = ts.createSourceFile(MISUSE, stripped, ts.ScriptTarget.Latest);
    const failingLines = new Set(
      found
        .filter((d) => d.file && path.resolve(d.file.fileName) === MISUSE)
        .map((d) => sourceFile.getLineAndCharacterOfPosition(d.start!).line),
    );
    expect([...failingLines].sort((a, b) => a - b)).toEqual(expected);
    expect(found.every((d) => d.file && path.resolve(d.file.fileName) === MISUSE)).toBe(true);
  }, 300_000);
});

describe("the committed generated code", () => {
  it("is what codegen produces from schema.graphql and the operations now (npm run client:generate)", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "caseflow-client-"));
    try {
      await generate({ ...codegenConfig(`${out}/`), silent: true }, true);
      const committed = (await readdir(GENERATED_DIR)).sort();
      expect((await readdir(out)).sort()).toEqual(committed);
      for (const file of committed) {
        expect(await readFile(path.join(GENERATED_DIR, file), "utf8"), `${GENERATED_DIR}${file} is stale: npm run client:generate`).toBe(
          await readFile(path.join(out, file), "utf8"),
        );
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);

  it("names each persisted document by the sha256 of its text, as documentId and the APQ hash both do", async () => {
    const manifest = JSON.parse(await readFile(MANIFEST, "utf8")) as Record<string, string>;
    expect(Object.keys(manifest)).toHaveLength(8);
    for (const [id, document] of Object.entries(manifest)) {
      expect(id).toBe(`sha256:${createHash("sha256").update(document).digest("hex")}`);
    }
    expect((HealthDocument as { __meta__?: { hash?: string } }).__meta__?.hash).toBe(
      Object.entries(manifest).find(([, document]) => document === "query Health { health }")?.[0],
    );
  });
});

describe("the client against a server that runs only the generated manifest", () => {
  let app: TestApp;
  let url: string;
  let team: Awaited<ReturnType<typeof seedTeam>>;
  let token: string;
  /** Methods of the HTTP requests the clients sent. */
  const methods: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    methods.push(init?.method ?? "GET");
    return fetch(input, init);
  };
  let client: CaseflowClient;

  beforeAll(async () => {
    // The SLA monitor scans only when the test ticks it, on the frozen clock.
    app = await createTestApp({ persistedOperationsFile: MANIFEST, slaMonitorIntervalMs: 3_600_000 });
    app.clock.freeze();
    ({ url } = await app.start(0));
    url = url.replace("localhost", "127.0.0.1");
    team = await seedTeam(app);
    ({ token } = await seedUser(app, "SUPERVISOR", [team.id]));
    client = createCaseflowClient({ url, token, persisted: true, fetch: recordingFetch, webSocketImpl: WebSocket });
  }, 300_000);
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  /** Creates a case of the test's team and submits it; returns its number and id. */
  async function submittedCase(priority: "LOW" | "MEDIUM" | "HIGH" = "MEDIUM") {
    const created = await client.request(IntakeDocument, {
      input: { ...(ticketInput({ priority }) as any), teamId: team.gid, idempotencyKey: `client-${Math.random()}` },
    });
    if (!("ticket" in created.createTicket)) throw new Error(`createTicket refused: ${JSON.stringify(created)}`);
    const { id, number, version } = created.createTicket.ticket;
    const moved = await client.request(SubmitDocument, { id, version });
    expect(moved.transitionTicket).toEqual({ ticket: { status: "NOT_STARTED", version: version + 1 } });
    return { id, number };
  }

  it("runs queries and mutations by documentId over POST: create, move, comment, list", async () => {
    methods.length = 0;
    expect(await client.request(HealthDocument)).toEqual({ health: "ok" });
    const { id, number } = await submittedCase();
    const commented = await client.request(AddCommentDocument, { input: { ticketId: id, body: "Asked payments for the refund trace." } });
    expect(commented.addComment).toMatchObject({ comment: { body: "Asked payments for the refund trace.", visibility: "INTERNAL" } });
    const page = await client.request(OpenCasesDocument, { team: team.gid });
    const listed = page.tickets.edges.find((edge) => edge.node.number === number)?.node;
    expect(listed).toMatchObject({ status: "NOT_STARTED", team: { name: team.name }, requester: { maskedContact: "138****5678" } });
    expect(listed?.comments.edges.map((edge) => edge.node.body)).toEqual(["Asked payments for the refund trace."]);
    // An expected refusal is data of the result's union, typed, not an exception.
    const signIn = await client.request(SignInDocument, { input: { email: "nobody@example.com", password: "not the password" } });
    expect(signIn.login).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(new Set(methods)).toEqual(new Set(["POST"]));
  });

  it("runs queries by documentId over GET", async () => {
    methods.length = 0;
    const viaGet = createCaseflowClient({ url, token, persisted: true, getQueries: true, fetch: recordingFetch });
    const { number } = await submittedCase();
    const page = await viaGet.request(OpenCasesDocument, { team: team.gid });
    expect(page.tickets.edges.map((edge) => edge.node.number)).toContain(number);
    expect(methods.slice(-1)).toEqual(["GET"]);
  });

  it("runs subscriptions by documentId over graphql-ws: a team's dashboard and SLA alerts", async () => {
    const dashboard = client.subscribe(DashboardDocument, { team: team.gid });
    const alerts = client.subscribe(SlaAlertsDocument, { priorities: ["HIGH"] });
    const nextEvent = dashboard.next();
    const nextAlert = alerts.next();
    // Both streams listen before anything is written, so nothing can slip past them.
    expect(await liveOrEnded(nextEvent)).toBe(true);
    expect(await liveOrEnded(nextAlert)).toBe(true);
    const { number } = await submittedCase("HIGH");
    expect((await nextEvent).value).toMatchObject({
      ticketEvents: { type: "STATUS_CHANGED", fromStatus: "NEW", toStatus: "NOT_STARTED", ticket: { number, priority: "HIGH" } },
    });
    // HIGH: 30 minutes to first response; an hour later the scan finds it breached.
    app.clock.advance(3600);
    await app.slaMonitor!.tick();
    expect((await nextAlert).value).toMatchObject({ slaAlerts: { kind: "BREACH", target: "FIRST_RESPONSE", ticket: { number } } });
    await dashboard.return!();
    await alerts.return!();
  });

  it("refuses an operation that is not in the manifest with PERSISTED_QUERY_ONLY, over HTTP and graphql-ws", async () => {
    const unlisted = parse("query Unlisted { me { name email } }") as TypedDocumentNode<
      { me: { name: string } | null },
      Record<string, never>
    >;
    const byText = createCaseflowClient({ url, token, fetch: recordingFetch, webSocketImpl: WebSocket });
    try {
      const overHttp = await byText.request(unlisted).catch((error: unknown) => error);
      expect(overHttp).toBeInstanceOf(CaseflowError);
      expect(overHttp).toMatchObject({ code: "PERSISTED_QUERY_ONLY", status: 400 });
      // A listed document sent as text is no different: only ids run.
      expect(await byText.request(HealthDocument).catch((error: CaseflowError) => error.code)).toBe("PERSISTED_QUERY_ONLY");
      const overSocket = await byText
        .subscribe(DashboardDocument, { team: team.gid })
        .next()
        .catch((error: unknown) => error);
      expect(overSocket).toBeInstanceOf(CaseflowError);
      expect(overSocket).toMatchObject({ code: "PERSISTED_QUERY_ONLY" });
    } finally {
      await byText.close();
    }
  });

  it("throws a typed error with the code and the field the server names", async () => {
    const { id } = await submittedCase();
    const malformed = await client
      .request(AddCommentDocument, { input: { ticketId: id, body: "a\u0000b" } })
      .catch((error: unknown) => error);
    expect(malformed).toBeInstanceOf(CaseflowError);
    expect(malformed).toMatchObject({ code: "VALIDATION", field: "input.body" });
    const stranger = createCaseflowClient({ url, token: "cfs_not-a-session", persisted: true, fetch: recordingFetch });
    expect(await stranger.request(HealthDocument).catch((error: unknown) => error)).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
  });

  it("finds a manifest entry by its bare APQ hash too (extensions.persistedQuery.sha256Hash)", async () => {
    const hash = (HealthDocument as { __meta__?: { hash?: string } }).__meta__!.hash!.replace(/^sha256:/, "");
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    expect(await response.json()).toEqual({ data: { health: "ok" } });
  });

  it("counts logins in a batch whichever form of the id names the persisted sign-in", async () => {
    const id = (SignInDocument as { __meta__?: { hash?: string } }).__meta__!.hash!;
    const variables = { input: { email: "nobody@example.com", password: "not the password" } };
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify([
        { documentId: id, variables },
        { extensions: { persistedQuery: { version: 1, sha256Hash: id.replace(/^sha256:/, "") } }, variables },
      ]),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string; field?: string } }[] };
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "VALIDATION", field: "login" });
  });
});
