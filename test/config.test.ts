import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { serverCommand } from "./helpers/process.js";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("defaults to embedded PGlite in ./data on port 4000", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database.kind).toBe("pglite");
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.migrateOnStart).toBe(true);
    expect(config.bootstrapAdmin).toBeUndefined();
  });

  it("turns the Slack bridge on with its token and signing secret, and reports its bad settings", () => {
    expect(loadConfig({}).slack).toBeNull();
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack).toEqual({
      botToken: "xoxb-1",
      signingSecret: "s",
      apiUrl: "https://slack.com/api/",
      caseLinkTemplate: null,
      timeoutMs: 10_000,
    });
    expect(loadConfig({ SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "http://127.0.0.1:9/api" }).slack?.apiUrl).toBe(
      "http://127.0.0.1:9/api/",
    );
    const found = problems({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_API_URL: "slack.com", CASE_LINK_TEMPLATE: "https://x.example/cases" });
    expect(found).toHaveLength(3);
    expect(found.join("\n")).toMatch(/SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN/);
    expect(found.join("\n")).toMatch(/SLACK_API_URL must be an http\(s\) URL/);
    expect(found.join("\n")).toMatch(/CASE_LINK_TEMPLATE must be an http\(s\) URL containing \{number\}/);
  });

  it("switches to PostgreSQL when DATABASE_URL is set", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://app@db.internal:5432/caseflow", DATABASE_POOL_SIZE: "25" });
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://app@db.internal:5432/caseflow", poolSize: 25 });
  });

  it("reports every problem at once, each naming its variable", () => {
    const found = problems({
      PORT: "abc",
      DATABASE_URL: "mysql://localhost/x",
      MIGRATE_ON_START: "maybe",
      LOG_LEVEL: "loud",
      CASEFLOW_ADMIN_EMAIL: "admin@example.com",
    });
    expect(found).toHaveLength(5);
    expect(found.join("\n")).toMatch(/PORT must be an integer from 0 to 65535, got "abc"/);
    expect(found.join("\n")).toMatch(/DATABASE_URL must look like postgres:/);
    expect(found.join("\n")).toMatch(/MIGRATE_ON_START must be true or false/);
    expect(found.join("\n")).toMatch(/LOG_LEVEL must be one of/);
    expect(found.join("\n")).toMatch(/CASEFLOW_ADMIN_EMAIL and CASEFLOW_ADMIN_PASSWORD must be given together/);
  });

  it("refuses a malformed DATABASE_URL, a port out of range and a short key", () => {
    expect(problems({ DATABASE_URL: "not a url" })).toEqual(["DATABASE_URL is not a valid URL"]);
    expect(problems({ PORT: "70000" })[0]).toMatch(/PORT/);
    expect(problems({ CASEFLOW_ENCRYPTION_KEY: "c2hvcnQ=" })[0]).toMatch(/CASEFLOW_ENCRYPTION_KEY must be 32 bytes/);
    expect(problems({ TICKET_NUMBER_TIME_ZONE: "Mars/Olympus" })[0]).toMatch(/TICKET_NUMBER_TIME_ZONE/);
  });

  it("requires a shared encryption key in production on PostgreSQL", () => {
    expect(problems({ NODE_ENV: "production", DATABASE_URL: "postgres://a@b/c" })[0]).toMatch(/CASEFLOW_ENCRYPTION_KEY is required/);
  });

  it("makes the server exit non-zero with the full list instead of starting half-working", () => {
    const [file, ...args] = serverCommand();
    const run = spawnSync(file, args, {
      env: { PATH: process.env.PATH, PORT: "abc", DATABASE_URL: "postgres://" },
      encoding: "utf8",
      timeout: 120_000, // bounds a hang only; a busy machine slows the start
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Invalid configuration/);
    expect(run.stderr).toMatch(/PORT must be an integer/);
    expect(run.stderr).toMatch(/DATABASE_URL/);
    expect(run.stdout).not.toMatch(/listening/);
  });
});
