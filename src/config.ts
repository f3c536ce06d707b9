// The one place environment variables are interpreted. `loadConfig` is pure: it takes
// the environment as an argument and reports every problem at once, so an operator
// fixes a deployment in one round instead of one variable per restart.
import path from "node:path";
import { z } from "zod";
import { passwordProblem } from "./domain/passwords.js";
import { trustedProxiesProblem } from "./http/client-address.js";
import type { Limits } from "./http/limits.js";

export type DatabaseConfig =
  | {
      kind: "pglite";
      dataDir: string;
      /**
       * A PGlite dump (a tarball from `dumpDataDir`) to start from when dataDir holds no
       * database yet, instead of creating an empty one: restores a backup, and lets the
       * tests open one prepared database many times.
       */
      loadDataDir?: string;
      /**
       * PostgreSQL's shared_buffers for this database (PGlite's default is 128MB). Each
       * instance zeroes them at startup, half a second of CPU; the tests, which open
       * a hundred small databases per run, use 8MB.
       */
      sharedBuffers?: string;
    }
  | { kind: "postgres"; url: string; poolSize: number };

export interface Config {
  port: number;
  host: string;
  production: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  database: DatabaseConfig;
  /** Directory for embedded data and generated secrets. */
  dataDir: string;
  redisUrl?: string;
  /** Prefix of the Redis channels, for deployments that share one Redis. */
  redisChannelPrefix: string;
  /** Reverse proxies whose X-Forwarded-For names the client (src/http/client-address.ts). */
  trustedProxies: string[];
  migrateOnStart: boolean;
  bootstrapAdmin?: { email: string; password: string };
  /** 32-byte key for contact data at rest; when absent one is kept in dataDir. */
  encryptionKey?: Buffer;
  sessionTtlSeconds: number;
  /** IANA time zone whose calendar date goes into ticket numbers. */
  numberingTimeZone: string;
  /** Whether this instance scans for due SLA alerts (every instance may; each alert fires once). */
  slaMonitor: boolean;
  slaMonitorIntervalMs: number;
  /** How often this instance folds report marks into the rollups (src/reports/fold.ts); 0: never. */
  reportFoldIntervalMs: number;
  /** Satisfaction surveys: how long after DONE to send, and how long the link works. */
  survey: { delaySeconds: number; ttlSeconds: number };
  /** Seconds SIGTERM waits for in-flight work before closing connections. */
  shutdownGraceSeconds: number;
  /** What one request may ask of the server. */
  limits: Limits;
  /** Schema introspection; off in production unless INTROSPECTION=true. */
  introspection: boolean;
  /** The GraphiQL page at /graphql; off in production unless GRAPHIQL=true. */
  graphiql: boolean;
  /** JSON file { "<sha256 or id>": "<document>" }: when set, only these operations run. */
  persistedOperationsFile?: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** OpenTelemetry traces: exported over OTLP/HTTP to the endpoint when one is set, off otherwise. */
  tracing: { otlpEndpoint?: string; serviceName: string };
  /** Outgoing webhooks (src/integrations/webhooks/). */
  webhooks: WebhookConfig;
  /** The Slack bridge; null (off) when SLACK_BOT_TOKEN is not set. */
  slack: SlackConfig | null;
  /** The largest CSV file POST /import/tickets.csv takes (streamed to a temporary file, so memory does not grow with it). */
  importMaxBytes: number;
}

/** The Slack bridge (src/integrations/slack/, src/http/slack.ts); null when SLACK_BOT_TOKEN is not set. */
export interface SlackConfig {
  botToken: string;
  /** Checks that commands and button clicks come from Slack. */
  signingSecret: string;
  /** Slack's Web API base (https://slack.com/api/); tests point it at a local stand-in. */
  apiUrl: string;
  /** A case's page for links in messages, `{number}` replaced; null: numbers are plain text. */
  caseLinkTemplate: string | null;
  /** How long one Web API call may take. */
  timeoutMs: number;
}

export interface WebhookConfig {
  /** Whether this instance sends due deliveries (every instance may; each is sent once). */
  dispatcher: boolean;
  dispatchIntervalMs: number;
  /** Let deliveries reach loopback, private and link-local addresses (for tests and closed networks only). */
  allowPrivateNetworks: boolean;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** How long past timeoutMs an attempt's claim is held before another instance may retry it (also Slack's). */
  leaseMarginMs: number;
  /** An endpoint whose every attempt failed for this long is disabled. */
  disableAfterMs: number;
  /** How long the old secret still signs after a rotation. */
  secretOverlapMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A yes/no variable; undefined when unset, for defaults that depend on other variables. */
const optionalBool = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx): boolean | undefined => {
      if (value === undefined || value === "") return undefined;
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      ctx.addIssue({ code: "custom", message: `${name} must be true or false, got "${value}"` });
      return z.NEVER;
    });

const bool = (name: string, fallback: boolean) => optionalBool(name).transform((value) => value ?? fallback);

const int = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be an integer from ${min} to ${max}, got "${value}"`,
        });
        return z.NEVER;
      }
      return n;
    });

const postgresUrl = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === "") return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "DATABASE_URL is not a valid URL" });
      return z.NEVER;
    }
    if (!["postgres:", "postgresql:"].includes(url.protocol) || !url.hostname) {
      ctx.addIssue({
        code: "custom",
        message: "DATABASE_URL must look like postgres://user@host:5432/database",
      });
      return z.NEVER;
    }
    return value;
  });

const env = z.object({
  PORT: int("PORT", 4000, 0, 65535),
  HOST: z.string().optional().default("0.0.0.0"),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: (issue) => `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "${String(issue.input)}"`,
    })
    .optional()
    .default("info"),
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: int("DATABASE_POOL_SIZE", 10, 1, 500),
  DATA_DIR: z.string().optional().default("./data"),
  REDIS_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^rediss?:\/\/.+/.test(v), {
      message: "REDIS_URL must look like redis://host:6379",
    }),
  REDIS_CHANNEL_PREFIX: z.string().optional().default("caseflow:"),
  MIGRATE_ON_START: bool("MIGRATE_ON_START", true),
  CASEFLOW_ADMIN_EMAIL: z
    .string()
    .optional()
    .refine((v) => !v || /^[^@\s]+@[^@\s]+$/.test(v), {
      message: "CASEFLOW_ADMIN_EMAIL must be an e-mail address",
    }),
  // Judged in crossCheck, which knows the e-mail it must not resemble.
  CASEFLOW_ADMIN_PASSWORD: z.string().optional(),
  CASEFLOW_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => !v || Buffer.from(v, "base64").length === 32, {
      message: "CASEFLOW_ENCRYPTION_KEY must be 32 bytes in base64 (openssl rand -base64 32)",
    }),
  TICKET_NUMBER_TIME_ZONE: z
    .string()
    .optional()
    .default("UTC")
    .refine(
      (zone) => {
        try {
          new Intl.DateTimeFormat("en-US", { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      },
      { message: "TICKET_NUMBER_TIME_ZONE must be an IANA time zone such as Asia/Shanghai" },
    ),
  SESSION_TTL_HOURS: int("SESSION_TTL_HOURS", 24 * 7, 1, 24 * 365),
  SHUTDOWN_GRACE_SECONDS: int("SHUTDOWN_GRACE_SECONDS", 10, 0, 600),
  SURVEY_DELAY_SECONDS: int("SURVEY_DELAY_SECONDS", 0, 0, 86_400),
  SURVEY_TTL_HOURS: int("SURVEY_TTL_HOURS", 7 * 24, 1, 24 * 90),
  SLA_MONITOR: bool("SLA_MONITOR", true),
  SLA_MONITOR_INTERVAL_MS: int("SLA_MONITOR_INTERVAL_MS", 250, 50, 60_000),
  REPORT_FOLD_INTERVAL_MS: int("REPORT_FOLD_INTERVAL_MS", 1000, 0, 3_600_000),
  MAX_QUERY_DEPTH: int("MAX_QUERY_DEPTH", 12, 1, 100),
  MAX_ALIASES: int("MAX_ALIASES", 30, 0, 1000),
  MAX_TOKENS: int("MAX_TOKENS", 5000, 10, 1_000_000),
  MAX_DIRECTIVES: int("MAX_DIRECTIVES", 50, 0, 1000),
  MAX_QUERY_COST: int("MAX_QUERY_COST", 50_000, 10, 10_000_000),
  MAX_BATCH: int("MAX_BATCH", 10, 1, 100),
  MAX_BODY_BYTES: int("MAX_BODY_BYTES", 1_000_000, 1000, 100_000_000),
  IMPORT_MAX_BYTES: int("IMPORT_MAX_BYTES", 100_000_000, 1000, 10_000_000_000),
  EXECUTION_TIMEOUT_MS: int("EXECUTION_TIMEOUT_MS", 15_000, 100, 600_000),
  RATE_LIMIT_PER_MINUTE: int("RATE_LIMIT_PER_MINUTE", 1200, 1, 1_000_000),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: int("RATE_LIMIT_ANONYMOUS_PER_MINUTE", 120, 1, 1_000_000),
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .default("")
    .transform((value, ctx) => {
      const list = value
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean);
      const problem = trustedProxiesProblem(list);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      return list;
    }),
  // Both default to on, except in production.
  INTROSPECTION: optionalBool("INTROSPECTION"),
  GRAPHIQL: optionalBool("GRAPHIQL"),
  PERSISTED_OPERATIONS_FILE: z.string().optional(),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => !v || v.length >= 16, { message: "METRICS_TOKEN must be at least 16 characters (openssl rand -hex 16)" }),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .optional()
    .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v), {
      message: "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318",
    }),
  OTEL_SERVICE_NAME: z.string().optional().default("caseflow"),
  WEBHOOK_DISPATCHER: bool("WEBHOOK_DISPATCHER", true),
  WEBHOOK_DISPATCH_INTERVAL_MS: int("WEBHOOK_DISPATCH_INTERVAL_MS", 1000, 50, 60_000),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", false),
  WEBHOOK_TIMEOUT_MS: int("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
  WEBHOOK_LEASE_MARGIN_SECONDS: int("WEBHOOK_LEASE_MARGIN_SECONDS", 60, 1, 3600),
  WEBHOOK_DISABLE_AFTER_HOURS: int("WEBHOOK_DISABLE_AFTER_HOURS", 72, 1, 24 * 90),
  WEBHOOK_SECRET_OVERLAP_HOURS: int("WEBHOOK_SECRET_OVERLAP_HOURS", 24, 0, 24 * 30),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_API_URL: z
    .string()
    .optional()
    .default("https://slack.com/api/")
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/" }),
  CASE_LINK_TEMPLATE: z
    .string()
    .optional()
    .refine((v) => !v || (/^https?:\/\/[^\s]+$/.test(v) && v.includes("{number}")), {
      message: "CASE_LINK_TEMPLATE must be an http(s) URL containing {number}, such as https://support.example.com/cases/{number}",
    }),
  SLACK_TIMEOUT_MS: int("SLACK_TIMEOUT_MS", 10_000, 100, 120_000),
});

/** Rules across variables; checked on the raw values so they report alongside the rest. */
function crossCheck(source: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (Boolean(source.CASEFLOW_ADMIN_EMAIL) !== Boolean(source.CASEFLOW_ADMIN_PASSWORD)) {
    problems.push("CASEFLOW_ADMIN_EMAIL and CASEFLOW_ADMIN_PASSWORD must be given together");
  }
  if (source.CASEFLOW_ADMIN_PASSWORD) {
    const problem = passwordProblem(source.CASEFLOW_ADMIN_PASSWORD, [source.CASEFLOW_ADMIN_EMAIL, "Administrator"]);
    if (problem) problems.push(`CASEFLOW_ADMIN_PASSWORD ${problem}`);
  }
  if (source.NODE_ENV === "production" && source.DATABASE_URL && !source.CASEFLOW_ENCRYPTION_KEY) {
    problems.push("CASEFLOW_ENCRYPTION_KEY is required in production on PostgreSQL, so every instance shares it");
  }
  if (source.SLACK_BOT_TOKEN && !source.SLACK_SIGNING_SECRET) {
    problems.push("SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN (the app's Basic Information → Signing Secret)");
  }
  return problems;
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = env.safeParse(source);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)), ...crossCheck(source)];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const production = e.NODE_ENV === "production";
  return {
    port: e.PORT,
    host: e.HOST,
    production,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    dataDir,
    redisUrl: e.REDIS_URL || undefined,
    redisChannelPrefix: e.REDIS_CHANNEL_PREFIX,
    trustedProxies: e.TRUSTED_PROXIES,
    migrateOnStart: e.MIGRATE_ON_START,
    bootstrapAdmin:
      e.CASEFLOW_ADMIN_EMAIL && e.CASEFLOW_ADMIN_PASSWORD
        ? { email: e.CASEFLOW_ADMIN_EMAIL.toLowerCase(), password: e.CASEFLOW_ADMIN_PASSWORD }
        : undefined,
    encryptionKey: e.CASEFLOW_ENCRYPTION_KEY ? Buffer.from(e.CASEFLOW_ENCRYPTION_KEY, "base64") : undefined,
    sessionTtlSeconds: e.SESSION_TTL_HOURS * 3600,
    numberingTimeZone: e.TICKET_NUMBER_TIME_ZONE,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    survey: { delaySeconds: e.SURVEY_DELAY_SECONDS, ttlSeconds: e.SURVEY_TTL_HOURS * 3600 },
    slaMonitor: e.SLA_MONITOR,
    slaMonitorIntervalMs: e.SLA_MONITOR_INTERVAL_MS,
    reportFoldIntervalMs: e.REPORT_FOLD_INTERVAL_MS,
    limits: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxDirectives: e.MAX_DIRECTIVES,
      maxCost: e.MAX_QUERY_COST,
      maxBatch: e.MAX_BATCH,
      maxBodyBytes: e.MAX_BODY_BYTES,
      executionTimeoutMs: e.EXECUTION_TIMEOUT_MS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      anonymousRateLimitPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    },
    introspection: e.INTROSPECTION ?? !production,
    graphiql: e.GRAPHIQL ?? !production,
    persistedOperationsFile: e.PERSISTED_OPERATIONS_FILE ? path.resolve(e.PERSISTED_OPERATIONS_FILE) : undefined,
    metricsToken: e.METRICS_TOKEN || undefined,
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT || undefined, serviceName: e.OTEL_SERVICE_NAME },
    importMaxBytes: e.IMPORT_MAX_BYTES,
    webhooks: {
      dispatcher: e.WEBHOOK_DISPATCHER,
      dispatchIntervalMs: e.WEBHOOK_DISPATCH_INTERVAL_MS,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      leaseMarginMs: e.WEBHOOK_LEASE_MARGIN_SECONDS * 1000,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_HOURS * 3600_000,
      secretOverlapMs: e.WEBHOOK_SECRET_OVERLAP_HOURS * 3600_000,
    },
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            apiUrl: e.SLACK_API_URL.endsWith("/") ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
            caseLinkTemplate: e.CASE_LINK_TEMPLATE || null,
            timeoutMs: e.SLACK_TIMEOUT_MS,
          }
        : null,
  };
}
