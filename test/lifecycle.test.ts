// The server as an operator runs it: a real process, started twice on one data folder,
// stopped with SIGTERM.
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTestApp } from "./helpers/app.js";
import { gqlAt, startServer } from "./helpers/process.js";

const gql = (url: string, query: string, variables = {}) => gqlAt(url, query, variables);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("embedded server process", () => {
  it("starts on an empty folder, seeds once, keeps its data across restarts and stops on SIGTERM", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "caseflow-"));
    dirs.push(dataDir);
    const env = {
      DATA_DIR: dataDir,
      CASEFLOW_ADMIN_EMAIL: "Admin@Example.com",
      CASEFLOW_ADMIN_PASSWORD: "correct horse battery",
    };

    const first = await startServer(env);
    const startLine = first.logs
      .join("")
      .split("\n")
      .find((l) => l.includes("listening"))!;
    expect(JSON.parse(startLine)).toMatchObject({ database: "pglite", location: path.join(dataDir, "pglite") });
    expect(first.logs.join("")).toMatch(/installed default tiers/);
    expect((await gql(first.url, "{ health }")).data).toEqual({ health: "ok" });
    const login = await gql(
      first.url,
      `mutation($e: String!, $p: String!) {
      login(input: { email: $e, password: $p }) { ... on LoginPayload { token user { email role } } }
    }`,
      { e: "admin@example.com", p: "correct horse battery" },
    );
    expect(login.data.login.user).toEqual({ email: "admin@example.com", role: "ADMIN" });

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await startServer(env);
    expect(second.logs.join("")).not.toMatch(/installed default tiers/);
    expect(second.logs.join("")).not.toMatch(/applied database migrations/);
    expect(second.logs.join("")).not.toMatch(/created the bootstrap administrator/);
    // The session from the first run is still valid: the data survived the restart.
    const me = await fetch(second.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.data.login.token}` },
      body: JSON.stringify({ query: "{ me { email } }" }),
    }).then((r) => r.json());
    expect(me).toEqual({ data: { me: { email: "admin@example.com" } } });

    // SIGTERM closes open WebSockets with 1001 (going away) and exits cleanly.
    const socket = new WebSocket(second.url.replace("http", "ws"), "graphql-transport-ws");
    await new Promise((resolve) => socket.on("open", resolve));
    const closeCode = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    second.child.kill("SIGTERM");
    expect(await closeCode).toBe(1001);
    // Exiting at all is the point; the test's own timeout bounds a hang.
    expect(await second.exited).toBe(0);
  }, 420_000); // two starts from an empty folder; only bounds a hang
});

describe("readiness", () => {
  it("reports 503 on /ready once the database is unreachable, while /health stays up", async () => {
    const app = await createTestApp();
    try {
      expect((await app.yoga.fetch("http://caseflow.test/ready")).status).toBe(200);
      await app.db.close();
      const ready = await app.yoga.fetch("http://caseflow.test/ready");
      expect(ready.status).toBe(503);
      // A fixed body: nothing of the driver's error reaches an unauthenticated endpoint.
      expect(await ready.text()).toBe("not ready\n");
      expect((await app.yoga.fetch("http://caseflow.test/health")).status).toBe(200);
      // An unexpected failure (here: the database is gone) is masked: no SQL, no stack.
      const failed = await app.gql("{ teams { totalCount } }", {}, { token: "cfs_anything" });
      expect(failed.errors?.[0]?.message).toBe("Unexpected error.");
      expect(JSON.stringify(failed)).not.toMatch(/SELECT|prisma|pglite|\.ts:\d+|\.js:\d+|stack/i);
    } finally {
      await app.close().catch(() => {});
    }
  });
});

describe("graceful shutdown", () => {
  it("lets a request in flight finish before the server stops", async () => {
    const app = await createTestApp({ slaMonitor: false });
    const { port } = await app.start(0);
    // Hold the surveys table so the request below is still running when the stop begins.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockHeld = new Promise<void>((resolve) => (locked = resolve));
    const holder = app.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE "Survey" IN ACCESS EXCLUSIVE MODE`);
      locked();
      await held;
    });
    await lockHeld;
    const arrived = once(app.httpServer, "request");
    const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `mutation { submitSurvey(input: { token: "cfv_unknown", rating: SATISFIED }) { __typename } }` }),
    });
    await arrived;
    let stopped = false;
    const stopping = app.close().then(() => (stopped = true));
    // New connections are refused once the stop has begun; the stop still waits for the request.
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(stopped).toBe(false);
    release();
    await holder;
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { submitSurvey: { __typename: "SurveyUnavailableError" } } });
    await stopping;
    expect(stopped).toBe(true);
  });
});
