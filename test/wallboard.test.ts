// The wallboard (GET /wallboard) in a real browser (Debian's Chromium) with every request
// off this server refused: it asks for a token first, then shows each team's figures as
// the database counts them, follows new cases and SLA alerts live, keeps the token in
// sessionStorage only, reconnects when a stream drops, and goes back to the prompt with
// the reason when the token is refused or revoked. Time moves by the injected clock and
// the SLA monitor is ticked by the test; waits on the page are bounds, not assertions.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRODUCTION_CASES } from "../src/domain/training.js";
import { OPEN_STATUSES } from "../src/domain/workflow.js";
import { WALLBOARD_PATH, WALLBOARD_TOKEN_KEY } from "../src/http/wallboard.js";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { liveOrEnded } from "./helpers/live.js";
import { createTicketVia, moveVia, seedApiToken, seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) throw new Error(`The wallboard test needs Chromium at ${CHROMIUM}`);
if (!hasChromium) console.warn(`\n!!! wallboard test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium) !!!\n`);

/** A bound for the page to show what the server sent, never a claim about speed. */
const BOUND = { timeout: 20_000 };

let app: TestApp;
let port: number;
let context: BrowserContext;
let userDataDir: string;
let admin: TestUser;
let teamA: Awaited<ReturnType<typeof seedTeam>>;
let teamB: Awaited<ReturnType<typeof seedTeam>>;
/** Every request the pages tried to send anywhere but this server (all refused). */
const elsewhere: string[] = [];
/** Content-Security-Policy complaints: the page's own script and style must pass it. */
const policyViolations: string[] = [];

describe.runIf(hasChromium)("the wallboard", () => {
  beforeAll(async () => {
    // The monitor's own timer never comes round; the test ticks it at the instants it chooses.
    app = await createTestApp({ slaMonitorIntervalMs: 3_600_000 });
    app.clock.freeze();
    ({ port } = await app.start(0));
    admin = await seedUser(app, "ADMIN");
    teamA = await seedTeam(app, `Wallboard A ${Date.now().toString(36)}`);
    teamB = await seedTeam(app, `Wallboard B ${Date.now().toString(36)}`);
    const policy = await app.gql(
      `mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { __typename ... on Error { message } } }`,
      {
        i: {
          name: "Wallboard HIGH (test)",
          priority: "HIGH",
          teamId: teamA.gid,
          firstResponseSeconds: 60,
          resolutionSeconds: 3600,
          followUpSeconds: 3600,
          warningBeforeSeconds: 30,
        },
      },
      { token: admin.token },
    );
    expect(policy.data.upsertSlaPolicy.__typename).toBe("SlaPolicyPayload");
    // Team A: one case breached, one at risk; team B: two open cases, no SLA trouble.
    await submitted(teamA.gid, "HIGH");
    await advance(30); // its first-response warning
    await advance(30); // its first-response breach
    await submitted(teamA.gid, "HIGH");
    await advance(30); // the second case's warning
    await submitted(teamB.gid, "MEDIUM");
    await createTicketVia(app, admin.token, { teamId: teamB.gid });
    expect(await countedInDatabase(teamA.id)).toEqual({ open: 2, atRisk: 1, breached: 1 });
    expect(await countedInDatabase(teamB.id)).toEqual({ open: 2, atRisk: 0, breached: 0 });

    userDataDir = await mkdtemp(path.join(tmpdir(), "caseflow-wallboard-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
      viewport: { width: 1920, height: 1080 },
    });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.host === `127.0.0.1:${port}`) return route.fallback();
      elsewhere.push(url.href);
      return route.abort();
    });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await app?.close();
  });

  /** A case moved to NOT_STARTED, so its SLA clocks run. */
  async function submitted(teamGid: string, priority: string, practice = false) {
    const ticket = await createTicketVia(app, admin.token, { teamId: teamGid, priority, practice });
    expect((await moveVia(app, admin.token, { id: ticket.id, to: "NOT_STARTED" })).__typename).toBe("TransitionTicketPayload");
    return ticket;
  }

  /** Moves the clock and lets the monitor scan, as its timer would at that instant. */
  async function advance(seconds: number) {
    app.clock.advance(seconds);
    await app.slaMonitor!.tick();
  }

  /** The figures by their definition in schema.graphql, read with Prisma. */
  async function countedInDatabase(teamId: string) {
    // Practice cases count in no figure (src/domain/training.ts).
    const open = { teamId, status: { in: [...OPEN_STATUSES] }, ...PRODUCTION_CASES };
    const breachedTarget = { breachedAt: { not: null }, metAt: null };
    const [all, atRisk, breached] = await Promise.all([
      app.db.prisma.ticket.count({ where: open }),
      app.db.prisma.ticket.count({
        where: {
          ...open,
          slaTargets: { some: { warnedAt: { not: null }, breachedAt: null, pausedAt: null, metAt: null }, none: breachedTarget },
        },
      }),
      app.db.prisma.ticket.count({ where: { ...open, slaTargets: { some: breachedTarget } } }),
    ]);
    return { open: all, atRisk, breached };
  }

  async function openBoard(): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (message) => {
      if (/Content.Security.Policy|Trusted Type/i.test(message.text())) policyViolations.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${port}${WALLBOARD_PATH}`);
    return page;
  }

  async function pasteToken(page: Page, token: string) {
    await page.locator("#prompt").waitFor({ state: "visible", ...BOUND });
    await page.fill("#token", token);
    await page.click("#prompt button[type=submit]");
  }

  /** Resolves once the board shows exactly these figures for the team. */
  async function showsFigures(page: Page, teamName: string, figures: { open: number; atRisk: number; breached: number }) {
    await page.waitForFunction(
      ({ name, expected }) => {
        const row = [...document.querySelectorAll("#teams tr")].find((r) => r.querySelector(".team")?.textContent === name);
        if (!row) return false;
        const shown = (field: string) => Number(row.querySelector(`.${field}`)?.textContent);
        return shown("open") === expected.open && shown("atRisk") === expected.atRisk && shown("breached") === expected.breached;
      },
      { name: teamName, expected: figures },
      BOUND,
    );
  }

  const stateText = (page: Page) => page.textContent("#state");
  const promptReason = async (page: Page) => {
    await page.locator("#prompt").waitFor({ state: "visible", ...BOUND });
    return page.textContent("#reason");
  };

  let board: Page;
  let boardToken: Awaited<ReturnType<typeof seedApiToken>>;

  it("asks for a token first, then shows each team's figures as counted in the database, a new case and an SLA alert live", async () => {
    boardToken = await seedApiToken(app, ["reports:read", "tickets:read"], [teamA.id, teamB.id]);
    board = await openBoard();
    const response = await board.request.get(`http://127.0.0.1:${port}${WALLBOARD_PATH}`);
    expect(response.headers()["content-security-policy"]).toMatch(/default-src 'none'.*script-src 'sha256-.*connect-src 'self'/);
    expect(await board.locator("#prompt").isVisible()).toBe(true);
    expect(await board.locator("#teams tr").count()).toBe(0);

    // Both subscriptions (figures and alerts) are live on the server before anything is written.
    const never = new Promise<void>(() => {});
    const bothLive = Promise.all([liveOrEnded(never), liveOrEnded(never)]);
    await pasteToken(board, boardToken.token);
    expect(await bothLive).toEqual([true, true]);
    await board.locator("#prompt").waitFor({ state: "hidden", ...BOUND });
    await showsFigures(board, teamA.name, await countedInDatabase(teamA.id));
    await showsFigures(board, teamB.name, await countedInDatabase(teamB.id));
    // Only the token's teams, in name order.
    expect(await board.locator("#teams .team").allTextContents()).toEqual([teamA.name, teamB.name]);
    await board.waitForFunction(() => document.querySelector("#state")?.textContent === "Live", null, BOUND);

    // The token is in this tab's sessionStorage, nowhere else.
    const stored = await board.evaluate(
      (key) => ({ session: sessionStorage.getItem(key), local: localStorage.length }),
      WALLBOARD_TOKEN_KEY,
    );
    expect(stored).toEqual({ session: boardToken.token, local: 0 });
    expect(await context.cookies()).toEqual([]);

    // A case created through the API: one more open case for team B.
    const before = await countedInDatabase(teamB.id);
    await createTicketVia(app, admin.token, { teamId: teamB.gid });
    // Figures are pushed at most once a second, measured on the app's (frozen) clock.
    app.clock.advance(1);
    const after = await countedInDatabase(teamB.id);
    expect(after).toEqual({ ...before, open: before.open + 1 });
    await showsFigures(board, teamB.name, after);

    // An SLA warning fired by the monitor on the test's clock appears in the alert list.
    const late = await submitted(teamA.gid, "HIGH");
    // A practice case's alert at the same instant is marked as practice.
    const drill = await submitted(teamA.gid, "HIGH", true);
    await advance(30);
    const alert = board.locator("#alerts li", { hasText: late.number });
    await alert.waitFor(BOUND);
    expect(await alert.getAttribute("data-kind")).toBe("WARNING");
    expect(await alert.textContent()).toContain("first response");
    expect(await alert.textContent()).toContain(teamA.name);
    expect(await alert.getAttribute("data-practice")).toBeNull();
    expect(await alert.textContent()).not.toContain("practice");
    const drillAlert = board.locator("#alerts li", { hasText: drill.number });
    await drillAlert.waitFor(BOUND);
    expect(await drillAlert.getAttribute("data-practice")).toBe("");
    expect(await drillAlert.textContent()).toContain("practice · first response");
    app.clock.advance(1); // the at-risk figure follows within the next second on the app's clock
    await showsFigures(board, teamA.name, await countedInDatabase(teamA.id));
    expect(await stateText(board)).toBe("Live");
    expect(elsewhere).toEqual([]);
    expect(policyViolations).toEqual([]);
  }, 300_000);

  it("fits a 1920x1080 and a 1280x720 screen, in large type", async () => {
    for (const viewport of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 720 },
    ]) {
      await board.setViewportSize(viewport);
      const layout = await board.evaluate(() => {
        const boxes = [...document.querySelectorAll("header, #teams tr, #alerts li, #state")].map((e) => e.getBoundingClientRect());
        const count = document.querySelector("#teams .open")!;
        return {
          outside: boxes.filter((b) => b.right > innerWidth || b.bottom > innerHeight || b.left < 0 || b.top < 0).length,
          scrolls: document.documentElement.scrollWidth > innerWidth || document.documentElement.scrollHeight > innerHeight,
          countPx: Number.parseFloat(getComputedStyle(count).fontSize),
          background: getComputedStyle(document.body).backgroundColor,
        };
      });
      expect(layout, `${viewport.width}x${viewport.height}`).toMatchObject({ outside: 0, scrolls: false, background: "rgb(11, 15, 20)" });
      expect(layout.countPx).toBeGreaterThanOrEqual(viewport.height >= 1080 ? 48 : 32);
    }
    await board.setViewportSize({ width: 1920, height: 1080 });
  });

  it("goes back to the prompt with the reason when its token is revoked, and forgets the token", async () => {
    const revoked = await app.gql(
      `mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { __typename } }`,
      { i: { id: boardToken.gid } },
      { token: admin.token },
    );
    expect(revoked.data.revokeApiToken.__typename).toBe("RevokeApiTokenPayload");
    expect(await promptReason(board)).toBe("Token refused: These credentials were revoked");
    expect(await stateText(board)).toBe("Token refused");
    expect(await board.locator("#teams tr").count()).toBe(0);
    expect(await board.evaluate((key) => sessionStorage.getItem(key), WALLBOARD_TOKEN_KEY)).toBeNull();
    await board.close();
  });

  it("refuses a token the server does not know, with the server's reason", async () => {
    const page = await openBoard();
    await pasteToken(page, "cft_not-a-real-token");
    await page.waitForFunction(() => document.querySelector("#reason")?.textContent, null, BOUND);
    expect(await promptReason(page)).toBe("Token refused: The API token is invalid, expired or revoked");
    expect(await page.evaluate((key) => sessionStorage.getItem(key), WALLBOARD_TOKEN_KEY)).toBeNull();
    await page.close();
  });

  it("with reports:read only, shows the figures and says why there are no alerts", async () => {
    const reportsOnly = await seedApiToken(app, ["reports:read"], [teamA.id]);
    const page = await openBoard();
    await pasteToken(page, reportsOnly.token);
    await showsFigures(page, teamA.name, await countedInDatabase(teamA.id));
    await page.locator("#alerts-refused").waitFor(BOUND);
    expect(await page.textContent("#alerts-refused")).toContain("tickets:read");
    await page.waitForFunction(() => document.querySelector("#state")?.textContent === "Live", null, BOUND);
    expect(await page.locator("#prompt").isVisible()).toBe(false);
    await page.close();
  });

  it("shows that it is reconnecting when a stream drops, and comes back live", async () => {
    const token = await seedApiToken(app, ["reports:read", "tickets:read"], [teamB.id]);
    const page = await context.newPage();
    let metricsRequests = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route(`**/graphql`, async (route) => {
      if (!route.request().postData()?.includes("liveMetrics")) return route.fallback();
      metricsRequests++;
      if (metricsRequests === 1) return route.abort("connectionreset");
      await released; // the retry goes out only once the test has seen the board say it reconnects
      return route.fallback();
    });
    await page.goto(`http://127.0.0.1:${port}${WALLBOARD_PATH}`);
    await pasteToken(page, token.token);
    await page.waitForFunction(() => document.querySelector("#state")?.textContent?.startsWith("Reconnecting in"), null, BOUND);
    release();
    await showsFigures(page, teamB.name, await countedInDatabase(teamB.id));
    await page.waitForFunction(() => document.querySelector("#state")?.textContent === "Live", null, BOUND);
    expect(metricsRequests).toBe(2);
    expect(elsewhere).toEqual([]);
    expect(policyViolations).toEqual([]);
    await page.close();
  });
});
