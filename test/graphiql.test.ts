// GraphiQL in a real browser (Debian's Chromium) with every request off this server
// refused, as where outbound traffic is blocked: the page renders from the installed
// package's assets, runs a query, and runs a subscription over graphql-ws that shows an
// event published after it started.
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { liveOrEnded } from "./helpers/live.js";
import { createTicketVia, seedTeam, seedUser } from "./helpers/seed.js";

let app: TestApp;
let port: number;
let browser: Browser;
beforeAll(async () => {
  app = await createTestApp({ graphiql: true, slaMonitor: false });
  ({ port } = await app.start(0));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page on which anything not served by this server fails, and is recorded. */
async function offlinePage(): Promise<{ page: Page; elsewhere: string[] }> {
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === `127.0.0.1:${port}`) return route.continue();
    elsewhere.push(url.href);
    return route.abort();
  });
  return { page, elsewhere };
}

describe("GraphiQL without internet", () => {
  it("renders from local assets and runs a query", async () => {
    const { page, elsewhere } = await offlinePage();
    await page.goto(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent("{ health }")}`);
    await page.waitForSelector(".graphiql-container", { timeout: 60_000 });
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => document.querySelector(".result-window")?.textContent?.includes('"health"'), null, {
      timeout: 30_000,
    });
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 300_000);

  it("runs a subscription over graphql-ws with the headers editor's token and shows an event published after it started", async () => {
    const team = await seedTeam(app);
    const manager = await seedUser(app, "MANAGER", [team.id]);
    const { page, elsewhere } = await offlinePage();
    const subscription = "subscription { ticketEvents { type ticket { number } } }";
    await page.goto(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent(subscription)}`);
    await page.waitForSelector(".graphiql-container", { timeout: 60_000 });
    await page.getByText("Headers", { exact: true }).click();
    await page.locator(".graphiql-editor-tool .graphiql-editor").last().click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${manager.token}` }));
    const socket = page.waitForEvent("websocket");
    const isLive = liveOrEnded(new Promise(() => {}));
    await page.click(".graphiql-execute-button");
    expect((await socket).url()).toBe(`ws://127.0.0.1:${port}/graphql`);
    await isLive;
    const ticket = await createTicketVia(app, manager.token, { teamId: team.gid });
    await page.waitForFunction((number) => document.querySelector(".result-window")?.textContent?.includes(number), ticket.number, {
      timeout: 30_000,
    });
    expect(await page.textContent(".result-window")).toContain('"CREATED"');
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 300_000);
});
