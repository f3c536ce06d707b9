import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { csvRow } from "../src/domain/csv.js";
import { numberingDay } from "../src/domain/numbering.js";
import { createTestApp, freshDatabase, type TestApp } from "./helpers/app.js";
import { csvRows } from "./helpers/csv.js";
import { subscribeSse } from "./helpers/live.js";
import { preparedDataDir } from "./helpers/process.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let payments: Awaited<ReturnType<typeof seedTeam>>;
let risk: Awaited<ReturnType<typeof seedTeam>>;
let admin: TestUser;
let agent: TestUser;
let agentEmail: string;
let outsider: TestUser;
let outsiderEmail: string;

const emailOf = async (user: TestUser) => (await app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).email;

beforeAll(async () => {
  app = await createTestApp();
  payments = await seedTeam(app, "Payments");
  risk = await seedTeam(app, "Risk");
  admin = await seedUser(app, "ADMIN");
  agent = await seedUser(app, "AGENT", [payments.id]);
  outsider = await seedUser(app, "AGENT", [risk.id]);
  agentEmail = await emailOf(agent);
  outsiderEmail = await emailOf(outsider);
});
afterAll(() => app.close());

const csv = (header: string[], rows: unknown[][]) => [header, ...rows].map(csvRow).join("");

async function post(
  body: string,
  options: { token?: string; query?: string; contentType?: string; headers?: Record<string, string> } = {},
  target = app,
) {
  const response = await target.yoga.fetch(`http://caseflow.test/import/tickets.csv${options.query ?? ""}`, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "text/csv; charset=utf-8",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const HEADER = [
  "number",
  "Subject",
  "status",
  "priority",
  "channel",
  "type",
  "team",
  "assignee",
  "accountId",
  "externalRef",
  "requesterContact",
  "tags",
  "createdAt",
  "doneAt",
  "resolution",
];
const HAPPY = csv(HEADER, [
  [
    "WX-20231025-007",
    "ACC-100 card 4111 1111 1111 1111 charged twice",
    "TEAM_CHECKING",
    "HIGH",
    "WECHAT",
    "COMPLAINT",
    "Payments",
    "",
    "ACC-100",
    "EXT-1",
    "jane@example.com",
    "refund vip",
    "2023-10-25T08:00:00.000Z",
    "",
    "",
  ],
  [
    "",
    "ACC-101 invoice question",
    "DONE",
    "LOW",
    "EMAIL",
    "INQUIRY",
    "Payments",
    "",
    "ACC-101",
    "EXT-2",
    "",
    "",
    "2023-11-01T10:00:00.000Z",
    "2023-11-02T10:00:00.000Z",
    "Sent the invoice again",
  ],
  [
    "",
    "ACC-102 later the same day",
    "NOT_STARTED",
    "MEDIUM",
    "WECHAT",
    "INQUIRY",
    "",
    "",
    "ACC-102",
    "EXT-3",
    "",
    "",
    "2023-10-25T09:00:00.000Z",
    "",
    "",
  ],
]);

describe("POST /import/tickets.csv", () => {
  it("imports rows with their original times, statuses and numbers, audited as IMPORTED, and sends no webhooks", async () => {
    const endpoint = await app.gql(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename } }`,
      {
        input: {
          url: "https://hooks.example.com/caseflow",
          eventTypes: ["TICKET_CREATED", "TICKET_STATUS_CHANGED"],
          teamIds: [payments.gid],
        },
      },
      { token: admin.token },
    );
    expect(endpoint.data.createWebhookEndpoint.__typename).toBe("WebhookSecretPayload");
    const HAPPY_WITH_ASSIGNEE = HAPPY.replace("Payments,,ACC-100", `Payments,${agentEmail},ACC-100`);
    expect(HAPPY_WITH_ASSIGNEE).not.toBe(HAPPY);

    const { status, body } = await post(HAPPY_WITH_ASSIGNEE, { token: admin.token, query: "?map=Subject%3Dtitle&team=Risk" });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dryRun: false, rows: 3, imported: 3, skipped: 0, rejected: 0, problems: [], fileError: null });

    const prisma = app.db.prisma;
    const first = await prisma.ticket.findFirstOrThrow({
      where: { externalRef: "EXT-1" },
      include: { team: true, tags: { include: { tag: true } }, customer: true, events: true },
    });
    expect(first).toMatchObject({
      number: "WX-20231025-007",
      status: "TEAM_CHECKING",
      priority: "HIGH",
      type: "COMPLAINT",
      channel: "WECHAT",
      assigneeId: agent.id,
    });
    expect(first.team?.name).toBe("Payments");
    expect(first.createdAt.toISOString()).toBe("2023-10-25T08:00:00.000Z");
    expect(first.title).not.toContain("4111 1111 1111 1111"); // redacted as createTicket does
    expect(first.title).toMatch(/^ACC-100 .* charged twice$/);
    expect(first.tags.map((t) => t.tag.name).sort()).toEqual(["refund", "vip"]);
    expect(first.customer?.contactMasked).toBe("j***@example.com");
    expect(first.customer?.contactEncrypted).not.toBeNull();
    expect(first.events.map((e) => [e.type, e.actorKind, e.actorUserId])).toEqual([["IMPORTED", "USER", admin.id]]);
    expect(first.events[0]!.after).toMatchObject({
      number: "WX-20231025-007",
      status: "TEAM_CHECKING",
      createdAt: "2023-10-25T08:00:00.000Z",
      line: 2,
      redacted: ["BANK_CARD"],
    });

    const done = await prisma.ticket.findFirstOrThrow({ where: { externalRef: "EXT-2" }, include: { team: true } });
    const day = numberingDay(new Date("2023-11-01T10:00:00.000Z"), app.config.numberingTimeZone);
    expect(done).toMatchObject({ number: `EML-${day}-001`, status: "DONE", resolution: "Sent the invoice again" });
    expect(done.doneAt?.toISOString()).toBe("2023-11-02T10:00:00.000Z");
    // No team cell: the team given with the request.
    const third = await prisma.ticket.findFirstOrThrow({ where: { externalRef: "EXT-3" }, include: { team: true } });
    expect(third.team?.name).toBe("Risk");
    // The day's counter moved past the kept number, so the day's next case follows it.
    expect(third.number).toBe(`WX-${numberingDay(new Date("2023-10-25T09:00:00.000Z"), app.config.numberingTimeZone)}-008`);

    const ids = [first.id, done.id, third.id];
    expect(await prisma.slaTarget.count({ where: { ticketId: { in: ids } } })).toBe(0);
    expect(await prisma.automationCheck.count({ where: { ticketId: { in: ids } } })).toBe(0);
    expect(await prisma.outboundDelivery.count()).toBe(0);
  });

  it("tells live subscribers of each imported case by one IMPORTED event, and of nothing else", async () => {
    const { url } = await app.start(0);
    const feed = await subscribeSse(url, agent.token, `subscription { ticketEvents { type ticket { number } } }`);
    try {
      const file = csv(
        ["title", "accountId", "externalRef", "team", "status", "createdAt"],
        [
          ["ACC-150 live", "ACC-150", "LIVE-1", "Payments", "TEAM_CHECKING", "2022-01-01T00:00:00Z"],
          ["ACC-151 live", "ACC-151", "LIVE-2", "Payments", "NOT_STARTED", "2022-01-02T00:00:00Z"],
        ],
      );
      expect((await post(file, { token: admin.token })).body).toMatchObject({ imported: 2 });
      // A case created afterwards is the sentinel: its CREATED event comes after whatever the import sent.
      const sentinel = await createTicketVia(app, agent.token, { teamId: payments.gid });
      await feed.waitForMatching((e) => e.ticketEvents.ticket.number === sentinel.number, 1);
      const before = feed.received.slice(
        0,
        feed.received.findIndex((e) => e.ticketEvents.ticket.number === sentinel.number),
      );
      expect(before.map((e) => e.ticketEvents.type)).toEqual(["IMPORTED", "IMPORTED"]);
    } finally {
      feed.stop();
    }
  });

  it("skips rows imported before (same channel and externalRef)", async () => {
    const before = await app.db.prisma.ticket.count();
    const { status, body } = await post(HAPPY, { token: admin.token, headers: { "x-caseflow-import-map": "Subject=title" } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ rows: 3, imported: 0, skipped: 3, rejected: 0 });
    expect(body.skippedRows.map((r: { line: number }) => r.line)).toEqual([2, 3, 4]);
    expect(body.skippedRows[0].number).toBe("WX-20231025-007");
    expect(await app.db.prisma.ticket.count()).toBe(before);
  });

  it("rejects bad rows with their line, field and reason, writing nothing for them", async () => {
    const header = ["title", "accountId", "externalRef", "status", "team", "assignee", "tags", "createdAt"];
    const body = csv(header, [
      ["ACC-200 fine\nsecond line", "ACC-200", "BAD-1", "NEW", "Payments", "", "ok-tag", ""],
      ["no account named", "ACC-201", "BAD-2", "NEW", "Payments", "", "bad-only-tag", ""],
      ["ACC-202 status", "ACC-202", "BAD-3", "OPEN", "Payments", "", "", ""],
      ["ACC-203 team", "ACC-203", "BAD-4", "NEW", "Nowhere", "", "", ""],
      ["ACC-204 assignee", "ACC-204", "BAD-5", "NEW", "Payments", outsiderEmail, "bad-only-tag2", ""],
      ["ACC-205 tags", "ACC-205", "BAD-6", "NEW", "Payments", "", Array.from({ length: 21 }, (_, i) => `t${i}`).join(" "), ""],
      ["ACC-206 future", "ACC-206", "BAD-7", "NEW", "Payments", "", "", "2999-01-01T00:00:00Z"],
    ]);
    const { status, body: report } = await post(body, { token: admin.token });
    expect(status).toBe(200);
    expect(report).toMatchObject({ rows: 7, imported: 1, rejected: 6 });
    // The first row spans lines 2 and 3 (a line break inside its quoted title).
    expect(report.problems.map((p: { line: number; field: string }) => [p.line, p.field])).toEqual([
      [4, "title"],
      [5, "status"],
      [6, "team"],
      [7, "assignee"],
      [8, "tags"],
      [9, "createdAt"],
    ]);
    expect(report.problems[0].reason).toMatch(/ACC-201/);
    expect(report.problems[3].reason).toMatch(/member of the team/);
    const prisma = app.db.prisma;
    expect(await prisma.ticket.count({ where: { externalRef: { startsWith: "BAD-" } } })).toBe(1);
    expect(
      await prisma.customer.count({ where: { accountId: { in: ["ACC-201", "ACC-202", "ACC-203", "ACC-204", "ACC-205", "ACC-206"] } } }),
    ).toBe(0);
    expect(await prisma.tag.count({ where: { name: { in: ["bad-only-tag", "bad-only-tag2", "t0"] } } })).toBe(0);
  });

  it("writes nothing on a dry run, and reports what it would do", async () => {
    const body = csv(
      ["title", "accountId", "externalRef", "channel", "tags", "createdAt"],
      [
        ["ACC-300 dry", "ACC-300", "DRY-1", "PHONE", "dry-run-tag", "2024-02-03T04:05:06Z"],
        ["ACC-301 dry", "ACC-301", "DRY-2", "PHONE", "", "2024-02-03T05:05:06Z"],
        ["bad", "ACC-302", "DRY-3", "PHONE", "", ""],
      ],
    );
    const prisma = app.db.prisma;
    const counts = async () => ({
      tickets: await prisma.ticket.count(),
      events: await prisma.ticketEvent.count(),
      customers: await prisma.customer.count(),
      tags: await prisma.tag.count(),
      sequences: await prisma.ticketSequence.findMany({ where: { channel: "PHONE" } }),
    });
    const before = await counts();
    const dry = await post(body, { token: admin.token, query: "?dryRun=true" });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 3, imported: 2, skipped: 0, rejected: 1 });
    expect(await counts()).toEqual(before);
    const real = await post(body, { token: admin.token });
    expect(real.body).toMatchObject({ dryRun: false, imported: 2, skipped: 0, rejected: 1 });
    expect((await counts()).tickets).toBe(before.tickets + 2);
  });

  it("imports each row once when the same file is imported twice at the same time", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => [
      `ACC-9${i} twice`,
      `ACC-9${i}`,
      `TWICE-${i}`,
      i % 2 ? `API-20240301-${100 + i}` : "",
    ]);
    const file = csv(["title", "accountId", "externalRef", "number"], rows);
    const [a, b] = await Promise.all([post(file, { token: admin.token }), post(file, { token: admin.token })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.imported + b.body.imported).toBe(20);
    expect(a.body.skipped + b.body.skipped).toBe(20);
    expect(a.body.rejected + b.body.rejected).toBe(0);
    const cases = await app.db.prisma.ticket.findMany({
      where: { externalRef: { startsWith: "TWICE-" } },
      select: { externalRef: true, number: true },
    });
    expect(cases.map((c) => c.externalRef).sort()).toEqual(rows.map((r) => r[2]).sort());
    expect(new Set(cases.map((c) => c.number)).size).toBe(20);
  });

  it("is for administrators only, takes text/csv only, and bounds the body", async () => {
    const token = await seedApiToken(app, ["tickets:write", "tickets:read"]);
    const adminToken = await seedApiToken(app, ["admin"]);
    const file = csv(["title", "accountId", "externalRef"], [["ACC-400 who", "ACC-400", "WHO-1"]]);
    expect((await post(file)).status).toBe(401);
    expect((await post(file, { token: "cf_not_a_token" })).status).toBe(401);
    expect((await post(file, { token: agent.token })).status).toBe(403);
    expect((await post(file, { token: token.token })).status).toBe(403);
    const json = await post(file, { token: admin.token, contentType: "application/json" });
    expect(json.status).toBe(415);
    expect(json.body.errors[0].extensions).toEqual({ code: "UNSUPPORTED_MEDIA_TYPE", field: "content-type" });
    const badMap = await post(file, { token: admin.token, query: "?map=Subject%3Dsubject" });
    expect(badMap.status).toBe(400);
    expect(badMap.body.errors[0].extensions.field).toBe("map");
    expect(await app.db.prisma.ticket.count({ where: { externalRef: "WHO-1" } })).toBe(0);
    const ok = await post(file, { token: adminToken.token });
    expect(ok.body).toMatchObject({ imported: 1 });
    const event = await app.db.prisma.ticketEvent.findFirstOrThrow({ where: { type: "IMPORTED", ticket: { externalRef: "WHO-1" } } });
    expect(event).toMatchObject({ actorKind: "TOKEN", actorTokenId: adminToken.id });

    const small = await createTestApp({ importMaxBytes: 1000 });
    try {
      const smallAdmin = await seedUser(small, "ADMIN");
      const rows = Array.from({ length: 40 }, (_, i) => [`ACC-5${i} big`, `ACC-5${i}`, `BIG-${i}`]);
      const big = csv(["title", "accountId", "externalRef"], rows);
      expect(big.length).toBeGreaterThan(1000);
      expect((await post(big, { token: smallAdmin.token }, small)).status).toBe(413);
      // Without a length up front, the body is counted as it arrives: refused past the
      // limit, before any row is imported.
      const encoder = new TextEncoder();
      const chunks = [big.slice(0, 600), big.slice(600)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(encoder.encode(next));
        },
      });
      const response = await small.yoga.fetch("http://caseflow.test/import/tickets.csv", {
        method: "POST",
        headers: { "content-type": "text/csv", authorization: `Bearer ${smallAdmin.token}` },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BODY_TOO_LARGE");
      expect(await small.db.prisma.ticket.count({ where: { externalRef: { startsWith: "BIG-" } } })).toBe(0);
      // Within the limit, the same way in, it is imported.
      const fits = csv(["title", "accountId", "externalRef"], rows.slice(0, 10));
      expect(fits.length).toBeLessThan(1000);
      expect((await post(fits, { token: smallAdmin.token }, small)).body).toMatchObject({ imported: 10 });
    } finally {
      await small.close();
    }
  });

  it("reports a file without the columns a case needs, before any row", async () => {
    const { status, body } = await post(csv(["Subject", "Account"], [["ACC-600 x", "ACC-600"]]), { token: admin.token });
    expect(status).toBe(400);
    expect(body.fileError).toMatchObject({ line: 1, field: "title" });
    expect(body.rows).toBe(0);
  });

  it("stops at broken quoting, keeping the rows before it", async () => {
    const file = `title,accountId,externalRef\r\nACC-610 fine,ACC-610,Q-1\r\n"ACC-611 open quote,ACC-611,Q-2\r\n`;
    const { status, body } = await post(file, { token: admin.token });
    expect(status).toBe(400);
    expect(body).toMatchObject({ rows: 1, imported: 1, fileError: { line: 3, field: "file" } });
    expect(await app.db.prisma.ticket.count({ where: { externalRef: { in: ["Q-1", "Q-2"] } } })).toBe(1);
  });
});

describe("round trip", () => {
  it("an export imported into a fresh database gives the same cases", async () => {
    // Cases as people make them, moved through the workflow, in a database of their own.
    const source = await createTestApp();
    const target = await createTestApp();
    try {
      const people = async (into: TestApp) => {
        const teamA = await seedTeam(into, "CS-Payment");
        const teamB = await seedTeam(into, "CS-Risk");
        const supervisor = await seedUser(into, "SUPERVISOR", [teamA.id, teamB.id], { name: "Wang Fang" });
        return { teamA, teamB, supervisor, admin: await seedUser(into, "ADMIN") };
      };
      const s = await people(source);
      const t = await people(target);
      const created = [];
      created.push(await createTicketVia(source, s.supervisor.token, { teamId: s.teamA.gid, tags: ["refund", "vip"], priority: "HIGH" }));
      created.push(
        await createTicketVia(source, s.supervisor.token, {
          teamId: s.teamB.gid,
          channel: "EMAIL",
          type: "COMPLAINT",
          requester: { name: "Han Meimei", contact: "han@example.com" },
          externalRef: null,
        }),
      );
      created.push(
        await createTicketVia(source, s.supervisor.token, { teamId: s.teamA.gid, accountId: "ACC-RT-3", title: "=ACC-RT-3 formula-like" }),
      );
      // A practice case (training mode): exported on its own, and a practice case again once imported.
      created.push(
        await createTicketVia(source, s.supervisor.token, { teamId: s.teamB.gid, accountId: "ACC-RT-4", practice: true, priority: "LOW" }),
      );
      source.clock.advance(60);
      expect((await moveVia(source, s.supervisor.token, { id: created[0]!.id, to: "NOT_STARTED" })).__typename).toBe(
        "TransitionTicketPayload",
      );
      source.clock.advance(60);
      const assigned = await source.gql(
        `mutation($input: AssignTicketInput!) { assignTicket(input: $input) { __typename } }`,
        { input: { id: created[0]!.id, assigneeId: s.supervisor.gid } },
        { token: s.supervisor.token },
      );
      expect(assigned.data?.assignTicket?.__typename).toBe("AssignTicketPayload");

      const exportOf = async (from: TestApp, token: string, query = "") =>
        (
          await from.yoga.fetch(`http://caseflow.test/export/tickets.csv${query}`, { headers: { authorization: `Bearer ${token}` } })
        ).text();
      const exported = await exportOf(source, s.admin.token);
      const exportedPractice = await exportOf(source, s.admin.token, "?practice=true");
      target.clock.advance(120); // the two servers' clocks agree
      const { status, body } = await post(exported, { token: t.admin.token }, target);
      expect(status).toBe(200);
      expect(body.problems).toEqual([]);
      expect(body).toMatchObject({ rows: 3, imported: 3, rejected: 0, renumbered: [] });
      const practice = await post(exportedPractice, { token: t.admin.token }, target);
      expect(practice.body).toMatchObject({ rows: 1, imported: 1, rejected: 0, renumbered: [], problems: [] });

      const again = await exportOf(target, t.admin.token);
      const againPractice = await exportOf(target, t.admin.token, "?practice=true");
      const byNumber = (text: string) => {
        const [header, ...rows] = csvRows(text.replace(/^\ufeff/, ""));
        return rows
          .map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]])))
          .sort((a, b) => a.number!.localeCompare(b.number!));
      };
      const before = byNumber(exported);
      const after = byNumber(again);
      expect(after).toEqual(before);
      expect(byNumber(againPractice)).toEqual(byNumber(exportedPractice));
      expect(byNumber(exportedPractice).map((row) => [row.title, row.practice])).toEqual([[created[3]!.title, "true"]]);
      // And in the databases, which the export reads through csvCell's formula defusing.
      const cases = (from: TestApp) =>
        from.db.prisma.ticket.findMany({
          orderBy: { number: "asc" },
          select: {
            number: true,
            title: true,
            status: true,
            priority: true,
            channel: true,
            type: true,
            accountId: true,
            externalRef: true,
            createdAt: true,
            updatedAt: true,
            firstRespondedAt: true,
            doneAt: true,
            resolution: true,
            practice: true,
            team: { select: { name: true } },
            assignee: { select: { name: true } },
            customer: { select: { name: true, contactMasked: true } },
            tags: { select: { tag: { select: { name: true } } }, orderBy: { tag: { name: "asc" } } },
          },
        });
      expect(await cases(target)).toEqual(await cases(source));
      expect((await cases(target)).map((c) => c.title)).toContain("=ACC-RT-3 formula-like");
      expect(before.map((row) => row.requesterContact)).toContain("h***@example.com");
      expect(before.some((row) => row.status === "NOT_STARTED" && row.assignee === "Wang Fang" && row.tags === "refund vip")).toBe(true);
    } finally {
      await source.close();
      await target.close();
    }
  });
});

describe("npm run import:tickets", () => {
  it("imports a file from the command line, with a summary and the refused rows, and exits 1 when a row was refused", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "caseflow-import-"));
    const database = await freshDatabase();
    // An embedded database already migrated and seeded, as the server would leave it.
    const dataDir = database.database.kind === "postgres" ? null : await preparedDataDir("caseflow-import-cli-data-");
    try {
      const file = path.join(folder, "list.csv");
      await writeFile(
        file,
        csv(
          ["Subject", "accountId", "externalRef", "status", "createdAt"],
          [
            ["ACC-700 from the list", "ACC-700", "CLI-1", "TEAM_CHECKING", "2024-05-01T08:00:00Z"],
            ["ACC-701 also", "ACC-701", "CLI-2", "DONE", "2024-05-02T08:00:00Z"],
            ["missing the account", "ACC-702", "CLI-3", "NEW", ""],
          ],
        ),
      );
      const env: Record<string, string> = {
        PATH: process.env.PATH!,
        LOG_LEVEL: "silent",
        CASEFLOW_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
        ...(database.database.kind === "postgres" ? { DATABASE_URL: database.database.url } : { DATA_DIR: dataDir! }),
      };
      const run = (...args: string[]) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", "scripts/import-tickets.ts", ...args], {
            env,
            stdio: ["ignore", "pipe", "pipe"],
          });
          let out = "";
          child.stdout.on("data", (chunk) => (out += chunk));
          child.stderr.on("data", (chunk) => (out += chunk));
          child.on("exit", (code) => resolve({ code, out }));
        });

      const dry = await run(file, "--map", "Subject=title", "--dry-run");
      expect(dry.out).toMatch(/3 rows, would import 2, skipped 0 \(already imported\), rejected 1 \(dry run: nothing written\)/);
      expect(dry.code).toBe(1);
      const first = await run(file, "--map", "Subject=title");
      expect(first.out).toMatch(/3 rows, imported 2, skipped 0 \(already imported\), rejected 1/);
      expect(first.out).toMatch(/Rejected rows/);
      expect(first.out).toMatch(/^4 +title +must contain the account ID \(ACC-702\)$/m);
      expect(first.out).not.toMatch(/\r\[/); // no progress line when stdout is not a terminal
      expect(first.code).toBe(1);
      const second = await run(file, "--map", "Subject=title");
      expect(second.out).toMatch(/imported 0, skipped 2 \(already imported\), rejected 1/);
      // On a terminal (a pseudo-terminal from util-linux's script), a progress line.
      const onTerminal = await new Promise<string>((resolve) => {
        const command = [process.execPath, "--import", "tsx", "scripts/import-tickets.ts", file, "--map", "Subject=title"].join(" ");
        const child = spawn("script", ["-qec", command, "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (chunk) => (out += chunk));
        child.on("exit", () => resolve(out));
      });
      expect(onTerminal).toMatch(/\r\[#{30}\] 100% {2}3 rows: 0 imported, 2 skipped, 1 rejected/);
      const usage = await run("--team");
      expect(usage.code).toBe(2);
      expect(usage.out).toMatch(/Usage: npm run import:tickets/);
    } finally {
      await database.drop();
      await rm(folder, { recursive: true, force: true });
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000); // a fresh embedded database is migrated by the first run

  it("puts rows without a team of their own into --team's team, and refuses a --team no team has", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "caseflow-import-team-"));
    // A database the command and the test open in turn: PostgreSQL's, or an embedded one in DATA_DIR.
    const postgres = process.env.DATABASE_URL ? await freshDatabase() : null;
    const dataDir = postgres ? null : await preparedDataDir("caseflow-import-team-data-");
    const database: Config["database"] = postgres ? postgres.database : { kind: "pglite", dataDir: path.join(dataDir!, "pglite") };
    const encryptionKey = Buffer.alloc(32, 9);
    const open = () => createTestApp({ database, encryptionKey, slaMonitor: false });
    try {
      const setup = await open();
      await seedTeam(setup, "Payments");
      await setup.close();

      const file = path.join(folder, "team.csv");
      await writeFile(
        file,
        csv(
          ["title", "accountId", "externalRef", "team", "practice"],
          [
            ["ACC-801 no team of its own", "ACC-801", "TEAM-1", "", ""],
            ["ACC-802 its own team", "ACC-802", "TEAM-2", "Answer-Desk", "false"],
            ["ACC-803 a practice case", "ACC-803", "TEAM-3", "", "true"],
          ],
        ),
      );
      const env: Record<string, string> = {
        PATH: process.env.PATH!,
        LOG_LEVEL: "silent",
        CASEFLOW_ENCRYPTION_KEY: encryptionKey.toString("base64"),
        ...(database.kind === "postgres" ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir! }),
      };
      // The documented command, through npm.
      const npm = (...args: string[]) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn("npm", ["run", "--silent", "import:tickets", "--", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
          let out = "";
          child.stdout.on("data", (chunk) => (out += chunk));
          child.stderr.on("data", (chunk) => (out += chunk));
          child.on("exit", (code) => resolve({ code, out }));
        });

      // A --team no team has is refused before any row.
      const nowhere = await npm(file, "--team", "Nowhere");
      expect(nowhere.out).toMatch(/0 rows, imported 0/);
      expect(nowhere.out).toMatch(/team: no team is named Nowhere/);
      expect(nowhere.code).toBe(1);
      const payments = await npm(file, "--team", "Payments");
      expect(payments.out).toMatch(/3 rows, imported 3, skipped 0 \(already imported\), rejected 0/);
      expect(payments.code).toBe(0);

      const check = await open();
      try {
        const rows = await check.db.prisma.ticket.findMany({
          where: { externalRef: { startsWith: "TEAM-" } },
          orderBy: { externalRef: "asc" },
          select: {
            externalRef: true,
            practice: true,
            team: { select: { name: true } },
            events: { select: { type: true, actorKind: true } },
          },
        });
        expect(rows.map((r) => [r.externalRef, r.team?.name, r.practice])).toEqual([
          ["TEAM-1", "Payments", false],
          ["TEAM-2", "Answer-Desk", false],
          ["TEAM-3", "Payments", true],
        ]);
        expect(rows.flatMap((r) => r.events)).toEqual(rows.map(() => ({ type: "IMPORTED", actorKind: "SYSTEM" })));
      } finally {
        await check.close();
      }
    } finally {
      await postgres?.drop();
      await rm(folder, { recursive: true, force: true });
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
