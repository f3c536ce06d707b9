import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { csvRows } from "./helpers/csv.js";
import { createTicketVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
let agentA: TestUser;
let manager: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  teamA = await seedTeam(app, "CS-Payment");
  teamB = await seedTeam(app, "CS-Risk-Collaboration");
  agentA = await seedUser(app, "AGENT", [teamA.id]);
  manager = await seedUser(app, "MANAGER");
  await createTicketVia(app, agentA.token, {
    teamId: teamA.gid,
    accountId: "ACC-1",
    title: 'ACC-1 "double", charge\nsecond line',
    tags: ["refund", "vip"],
    priority: "HIGH",
  });
  await createTicketVia(app, agentA.token, {
    teamId: teamA.gid,
    accountId: "ACC-2",
    title: 'ACC-2 =HYPERLINK("http://evil")',
    priority: "LOW",
  });
  await createTicketVia(app, manager.token, { teamId: teamB.gid, accountId: "ACC-3", title: "ACC-3 other team" });
});
afterAll(() => app.close());

const get = (query: string, token?: string) =>
  app.yoga.fetch(`http://caseflow.test/export/tickets.csv${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("CSV export", () => {
  it("streams the cases the viewer may see, quoted and with formulas defused", async () => {
    const response = await get("", agentA.token);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="caseflow-tickets-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel reads UTF-8
    const text = new TextDecoder().decode(bytes);
    const [header, ...rows] = csvRows(text);
    expect(header!.slice(0, 4)).toEqual(["number", "title", "status", "priority"]);
    const byAccount = Object.fromEntries(rows.map((r) => [r[header!.indexOf("accountId")], r]));
    expect(Object.keys(byAccount).sort()).toEqual(["ACC-1", "ACC-2"]);
    expect(byAccount["ACC-1"]![1]).toBe('ACC-1 "double", charge\nsecond line');
    expect(byAccount["ACC-1"]![header!.indexOf("tags")]).toBe("refund vip");
    expect(byAccount["ACC-1"]![header!.indexOf("requesterContact")]).toBe("138****5678");
    expect(byAccount["ACC-2"]![1]).toBe('ACC-2 =HYPERLINK("http://evil")');
    expect(
      csvRows(text)
        .flat()
        .some((cell) => cell.startsWith("=")),
    ).toBe(false);
  });

  it("takes the list filters from the query string", async () => {
    const rows = csvRows(await (await get("?priority=HIGH,MEDIUM", manager.token)).text());
    expect(
      rows
        .slice(1)
        .map((r) => r[3])
        .sort(),
    ).toEqual(["HIGH", "MEDIUM"]);
    const team = csvRows(await (await get(`?teamId=${encodeURIComponent(teamB.gid)}`, manager.token)).text());
    expect(team).toHaveLength(2);
  });

  it("pages through large exports", async () => {
    const prisma = app.db.prisma;
    await prisma.ticket.createMany({
      data: Array.from({ length: 1205 }, (_, i) => ({
        number: `API-20240101-${1000 + i}`,
        title: `BULK-${i} x`,
        accountId: `BULK-${i}`,
        channel: "API" as const,
        type: "INQUIRY" as const,
        priority: "LOW" as const,
        teamId: teamB.id,
      })),
    });
    const rows = csvRows(await (await get("?channel=API", manager.token)).text());
    expect(rows).toHaveLength(1206);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(1205);
  });

  it("answers refusals with a status and a JSON error naming the problem", async () => {
    expect((await get("")).status).toBe(401);
    expect((await get("", "cft_forged")).status).toBe(401);
    const bad = await get("?status=SOLVED", manager.token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ extensions: { code: "VALIDATION", field: "status" } }] });
    const reporter = await seedApiToken(app, ["reports:read"]);
    expect((await get("", reporter.token)).status).toBe(403);
  });
});
