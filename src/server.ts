// Builds the whole app from a validated config: database, schema, HTTP (GraphQL over
// POST/GET and SSE, GraphiQL, /health, /ready) and graphql-ws on the same port and
// path. Tests build it exactly as production does; only main.ts reads the environment.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import type { DocumentNode, ExecutionArgs, FormattedExecutionResult } from "graphql";
import { GraphQLError, NoSchemaIntrospectionCustomRule } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { createYoga, maskError, type Plugin, useReadinessCheck, type YogaServerInstance } from "graphql-yoga";
import pino, { type Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { createLoginThrottle } from "./auth/login-throttle.js";
import { ContactCipher } from "./auth/secrets.js";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { type AppServices, type Context, createContext, unauthenticatedError } from "./context.js";
import { ensureBootstrapAdmin, seedDefaults } from "./db/seed.js";
import { createDb, type Db, type DbOptions } from "./db.js";
import { DomainError, ValidationError } from "./errors.js";
import { clientAddresses } from "./http/client-address.js";
import { useCsvExport } from "./http/export.js";
import { type Credentials, Gate, useGate } from "./http/gate.js";
import { renderLocalGraphiQL } from "./http/graphiql.js";
import { useCsvImport } from "./http/import.js";
import { useInputErrorCodes } from "./http/input-errors.js";
import { useBodyLimit, useCostLimit, useExecutionTimeout, useOperationLimits } from "./http/limits.js";
import { createRateLimits } from "./http/rate-limits.js";
import { useSingleLogin } from "./http/single-login.js";
import { type SlackClicks, useSlack } from "./http/slack.js";
import { useWallboard } from "./http/wallboard.js";
import type { OutboxDispatcher } from "./integrations/dispatcher.js";
import { createSlackApi } from "./integrations/slack/api.js";
import { startSlackDispatcher } from "./integrations/slack/dispatcher.js";
import { startWebhookDispatcher, type WebhookDispatcher } from "./integrations/webhooks/dispatcher.js";
import { useObservability } from "./observability/graphql.js";
import { observeHttp } from "./observability/http.js";
import { withRequestIds } from "./observability/logging.js";
import { Metrics, useMetricsEndpoint } from "./observability/metrics.js";
import { WebSocketObservation } from "./observability/websocket.js";
import { CredentialWatch } from "./realtime/credentials.js";
import { nextMessageSender, type SendSerialized } from "./realtime/frames.js";
import { SubscriptionGroups } from "./realtime/groups.js";
import { LiveMetrics } from "./realtime/live-metrics.js";
import { createRealtime, type Realtime } from "./realtime/pubsub.js";
import { type SlaMonitor, startSlaMonitor } from "./realtime/sla-monitor.js";
import { EMBEDDED_FOLD_BATCH, FOLD_BATCH, type ReportFolder, startReportFolder } from "./reports/fold.js";
import { schema } from "./schema/index.js";
import { useCompiledTicketList } from "./schema/ticket/compiled-list.js";

export const GRAPHQL_PATH = "/graphql";

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** Called with every SQL statement; tests count them. */
  onQuery?: DbOptions["onQuery"];
}

interface ServerContext {
  req?: IncomingMessage;
  /** Set for graphql-ws operations: the credentials the gate resolved for the operation. */
  credentials?: Credentials;
}

export interface App {
  config: Config;
  db: Db;
  services: AppServices;
  yoga: YogaServerInstance<ServerContext, Context>;
  logger: Logger;
  /** Prometheus metrics of this instance, served at /metrics. */
  metrics: Metrics;
  realtime: Realtime;
  /** Shared executions of live subscriptions on this instance. */
  subscriptionGroups: SubscriptionGroups;
  /** Null when SLA_MONITOR is off on this instance. */
  slaMonitor: SlaMonitor | null;
  /** Null when REPORT_FOLD_INTERVAL_MS is 0 on this instance. */
  reportFolder: ReportFolder | null;
  /** The HTTP server (also carrying the WebSocket upgrades); tests wait on its events. */
  httpServer: Server;
  /** Null when WEBHOOK_DISPATCHER is off on this instance. */
  webhookDispatcher: WebhookDispatcher | null;
  /** Null when Slack is off (no SLACK_BOT_TOKEN) or WEBHOOK_DISPATCHER is off on this instance. */
  slackDispatcher: OutboxDispatcher | null;
  /** Slack clicks acknowledged and still being worked on (src/http/slack.ts). */
  slackClicks: SlackClicks;
  /** Listens on `port` (0 picks a free one); resolves to the bound port. */
  start(port?: number): Promise<{ port: number; url: string }>;
  /** Stops accepting work, lets in-flight requests finish, closes sockets and the database. */
  stop(): Promise<void>;
}

async function loadEncryptionKey(config: Config): Promise<Buffer> {
  if (config.encryptionKey) return config.encryptionKey;
  // Embedded installs keep a generated key beside their data so they work with no setup.
  const file = path.join(config.dataDir, "encryption.key");
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing) return Buffer.from(existing.trim(), "base64");
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, key.toString("base64"), { mode: 0o600, flag: "wx" }).catch(async () => {
    // Another process wrote it first; use theirs.
  });
  return Buffer.from((await readFile(file, "utf8")).trim(), "base64");
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = withRequestIds(options.logger ?? pino({ level: config.logLevel, base: { service: "caseflow" } }));
  const db = await createDb(config.database, { onQuery: options.onQuery });
  const metrics = new Metrics(db.poolStats);
  try {
    if (config.migrateOnStart) {
      const applied = await db.migrate();
      if (applied.length) logger.info({ applied }, "applied database migrations");
    }
    if (await seedDefaults(db.prisma)) logger.info("installed default tiers, SLA policies, calendar and routing");
    if (config.bootstrapAdmin) await ensureBootstrapAdmin(db.prisma, config.bootstrapAdmin, logger);
  } catch (error) {
    await db.close();
    throw error;
  }

  const realtime = createRealtime(config.redisUrl, config.redisChannelPrefix, {
    onRedisUnavailable: (unavailable, error) =>
      unavailable
        ? logger.warn({ err: error }, "live events: Redis does not answer; only this instance's subscribers get its events until it does")
        : logger.info("live events: Redis answers again; events reach every instance"),
    onRelayed: (topic, lagMs) => metrics.eventBusLag.observe({ topic }, Math.max(0, lagMs) / 1000),
  });
  const rateLimits = await createRateLimits({
    perMinute: config.limits.rateLimitPerMinute,
    anonymousPerMinute: config.limits.anonymousRateLimitPerMinute,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisChannelPrefix,
    onRedisFallback: (failing, error) =>
      failing
        ? logger.warn({ err: error }, "rate limits: Redis does not answer; each instance counts on its own until it does")
        : logger.info("rate limits: Redis answers again; counting is shared"),
    onRefused: (bucket) => metrics.rateLimitRefusals.inc({ bucket }),
  });
  const loginThrottle = await createLoginThrottle({
    redisUrl: config.redisUrl,
    redisPrefix: config.redisChannelPrefix,
    onRedisFallback: (failing, error) =>
      failing
        ? logger.warn({ err: error }, "login throttle: Redis does not answer; each instance counts failed logins on its own until it does")
        : logger.info("login throttle: Redis answers again; failed logins are counted together"),
  });
  const clock = options.clock ?? systemClock;
  const services: AppServices = {
    prisma: db.prisma,
    clock,
    realtime,
    credentialWatch: new CredentialWatch(realtime, clock),
    liveMetrics: new LiveMetrics(db.prisma, realtime, clock),
    loginThrottle,
    cipher: new ContactCipher(await loadEncryptionKey(config)),
    sessionTtlSeconds: config.sessionTtlSeconds,
    survey: config.survey,
    numberingTimeZone: config.numberingTimeZone,
    webhookSecretOverlapMs: config.webhooks.secretOverlapMs,
    webhookAllowPrivateNetworks: config.webhooks.allowPrivateNetworks,
    slack: config.slack ? { caseLinkTemplate: config.slack.caseLinkTemplate } : null,
    logger,
  };

  const slackApi = config.slack ? createSlackApi(config.slack) : null;
  const slack = useSlack(services, config.slack, slackApi);
  const persistedOperations = config.persistedOperationsFile ? await loadPersistedOperations(config.persistedOperationsFile) : null;
  const gate = new Gate({ prisma: db.prisma, clock, rateLimits, persistedOperations, addressOf: clientAddresses(config.trustedProxies) });
  const httpGate = useGate(gate);
  const yoga = createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: config.graphiql ? { subscriptionsProtocol: "WS", title: "caseflow" } : false,
    renderGraphiQL: renderLocalGraphiQL,
    batching: { limit: config.limits.maxBatch },
    maskedErrors: {
      // Expected failures on fields without a result union (queries) keep their
      // message and code; everything else is masked by yoga's default.
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? error.originalError : undefined;
        if (original instanceof DomainError && error instanceof GraphQLError) {
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: {
              code: original.code,
              ...(original instanceof ValidationError ? { field: original.field } : {}),
            },
          });
        }
        return maskError(error, message, isDev);
      },
    },
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(" ")),
      info: (...args) => logger.info(args.map(String).join(" ")),
      warn: (...args) => logger.warn(args.map(String).join(" ")),
      error: (...args) => logger.error({ err: args[0] }, "unexpected error"),
    },
    // The gate has resolved the credentials by now (onParams, or onSubscribe for graphql-ws).
    context: async ({ req, credentials, request }) => {
      const { viewer, expiresAt } = credentials ?? (await httpGate.credentialsOf(request));
      return createContext(services, viewer, gate.address({ req }), expiresAt);
    },
    plugins: [
      useObservability(metrics),
      useMetricsEndpoint(metrics, config.metricsToken),
      // A fixed answer: the driver's error text (hosts, database names) is for the log only.
      useReadinessCheck({
        endpoint: "/ready",
        check: () =>
          db.ping().then(
            () => true,
            (error) => {
              logger.warn({ err: error }, "not ready: the database does not answer");
              return new Response("not ready\n", { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } });
            },
          ),
      }),
      // Before the body limit, which is for GraphQL requests: an import streams its own, larger one.
      useCsvImport(services, gate, config.importMaxBytes),
      useBodyLimit(config.limits.maxBodyBytes),
      useCsvExport(services, gate),
      slack.plugin,
      useWallboard(GRAPHQL_PATH),
      ...(config.production ? [useCSRFPrevention({ requestHeaders: ["x-caseflow-csrf", "graphql-require-preflight"] })] : []),
      httpGate,
      // A validation rule, so graphql-ws (which validates through getEnveloped) refuses it too.
      ...(config.introspection
        ? []
        : [{ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) } satisfies Plugin]),
      useOperationLimits(config.limits, config.production),
      useSingleLogin((id) => gate.persistedDocument(id)),
      useCostLimit(config.limits.maxCost),
      // Before the timeout, so the timeout covers compiled lists too.
      useCompiledTicketList(),
      useExecutionTimeout(config.limits.executionTimeoutMs),
      useInputErrorCodes(),
    ],
  });

  const slaMonitor: SlaMonitor | null = config.slaMonitor
    ? startSlaMonitor({
        prisma: db.prisma,
        realtime,
        clock: services.clock,
        logger,
        intervalMs: config.slaMonitorIntervalMs,
        onFired: (alert, committedAt) => {
          metrics.slaAlerts.inc({ kind: alert.kind, target: alert.target });
          metrics.slaAlertLag.observe({ kind: alert.kind }, Math.max(0, committedAt.getTime() - Date.parse(alert.dueAt)) / 1000);
        },
      })
    : null;

  // Every instance may fold; one fold runs at a time across them (src/reports/fold.ts).
  const reportFolder: ReportFolder | null =
    config.reportFoldIntervalMs > 0
      ? startReportFolder({
          prisma: db.prisma,
          intervalMs: config.reportFoldIntervalMs,
          logger,
          batch: db.kind === "pglite" ? EMBEDDED_FOLD_BATCH : FOLD_BATCH,
          onFold: (result) => {
            metrics.reportFolds.inc({ outcome: result === null ? "failed" : result.busy ? "busy" : "folded" });
            if (result) metrics.reportFoldedCases.inc(result.cases);
          },
        })
      : null;

  const webhookDispatcher: WebhookDispatcher | null = config.webhooks.dispatcher
    ? startWebhookDispatcher({ prisma: db.prisma, realtime, clock, cipher: services.cipher, logger, config: config.webhooks })
    : null;

  // Slack messages share the outbox and its loop with webhooks, and WEBHOOK_DISPATCHER's switch, interval and lease.
  const slackDispatcher: OutboxDispatcher | null =
    config.slack && slackApi && config.webhooks.dispatcher
      ? startSlackDispatcher({
          prisma: db.prisma,
          realtime,
          clock,
          logger,
          api: slackApi,
          config: config.slack,
          intervalMs: config.webhooks.dispatchIntervalMs,
          leaseMarginMs: config.webhooks.leaseMarginMs,
        })
      : null;

  const groups = new SubscriptionGroups();
  // Idle keep-alive connections are closed by the client or the proxy in front, not by us:
  // Node's 5 s default is shorter than proxies' (60 s and more), and a proxy that reuses a
  // connection the server is closing at that moment answers its client 502.
  const httpServer: Server = createServer({ keepAliveTimeout: 65_000 }, observeHttp(yoga, metrics, logger));
  // No permessage-deflate: grouped subscriptions write their frames onto the TCP socket
  // themselves, which is only ordered with ws's own frames when ws never queues (frames.ts).
  // A message may be as large as an HTTP body.
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: GRAPHQL_PATH,
    perMessageDeflate: false,
    maxPayload: config.limits.maxBodyBytes,
  });
  // Once stopping, a connection whose response has ended is closed at once, instead of
  // idling until its keep-alive runs out (which would hold the stop for the grace period).
  httpServer.on("request", (_request, response) =>
    response.once("finish", () => {
      if (stopping) setImmediate(() => httpServer.closeIdleConnections());
    }),
  );
  // ws re-emits the HTTP server's errors (such as EADDRINUSE); start() reports those.
  wsServer.on("error", () => {});
  const observed = new WebSocketObservation(metrics, logger);
  wsServer.on("connection", (socket) => observed.connectionOpened(socket));
  const socketCredentials = (params: Record<string, unknown> | undefined, request: IncomingMessage) =>
    gate.credentials(typeof params?.authorization === "string" ? params.authorization : null, gate.address({ req: request }));
  // Where each subscription's results go when its group sends them: the socket and the
  // client's id, keyed by the ExecutionArgs graphql-ws hands back to `subscribe`.
  const senders = new WeakMap<ExecutionArgs, SendSerialized>();
  // The request record and span of each admitted operation, for graphql-ws's execute and subscribe calls.
  const operationOf = new WeakMap<ExecutionArgs, ReturnType<WebSocketObservation["begin"]>>();
  const wsHandle = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      execute: (args) => observed.run(operationOf.get(args)!, () => (args.rootValue as EnvelopedRoot).execute(args)),
      // Live-only subscriptions with the same document, variables and permissions share one
      // execution and one serialization per event.
      subscribe: (args) =>
        observed.run(operationOf.get(args)!, () =>
          groups.subscribe(args, (shared) => (shared.rootValue as EnvelopedRoot).subscribe(shared), senders.get(args)!),
        ),
      // Live connections need credentials; graphql-ws closes with 4403 Forbidden otherwise.
      onConnect: async (ctx) => {
        const credentials = await socketCredentials(ctx.connectionParams, ctx.extra.request).catch(() => null);
        return credentials?.viewer != null;
      },
      // Every operation passes the same gate as an HTTP request, and a refusal fails that
      // operation only (an `error` message for its id), never the socket's other ones.
      onSubscribe: (ctx, id, payload) => {
        const operation = observed.begin(ctx, id);
        return observed.run(operation, async () => {
          let credentials: Credentials;
          let params: Awaited<ReturnType<Gate["admit"]>>;
          try {
            // Checked again for every operation: one started after the credentials were revoked
            // is refused, and one started after joining a swarm sees that case.
            credentials = await socketCredentials(ctx.connectionParams, ctx.extra.request);
            if (!credentials.viewer) throw unauthenticatedError();
            params = await gate.admit(payload, credentials, gate.address({ req: ctx.extra.request }));
          } catch (error) {
            return socketErrors([error]);
          }
          const enveloped = yoga.getEnveloped({ req: ctx.extra.request, credentials, params } as ServerContext);
          let document: DocumentNode;
          try {
            document = enveloped.parse(params.query);
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length) return socketErrors(errors);
          } catch (error) {
            return socketErrors([error]);
          }
          const args: ExecutionArgs = {
            schema: enveloped.schema,
            document,
            operationName: params.operationName ?? undefined,
            variableValues: params.variables,
            contextValue: await enveloped.contextFactory(),
            rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
          };
          senders.set(args, nextMessageSender(ctx.extra.socket, ctx.extra.request.socket, id));
          operationOf.set(args, operation);
          observed.admitted(operation, document, params.operationName);
          return args;
        });
      },
      // Results sent by graphql-ws itself (a group's shared events go out pre-serialized, see groups.ts).
      onNext: (ctx, id, _payload, _args, result) => observed.result(ctx, id, result) as FormattedExecutionResult,
      onError: (ctx, id, _payload, errors) => observed.errors(ctx, id, errors).map((error) => error.toJSON()),
      onComplete: (ctx, id) => observed.completed(ctx, id),
    },
    wsServer,
  );

  let stopping: Promise<void> | undefined;
  const app: App = {
    config,
    db,
    services,
    yoga,
    logger,
    metrics,
    realtime,
    slaMonitor,
    reportFolder,
    webhookDispatcher,
    slackDispatcher,
    slackClicks: slack.clicks,
    subscriptionGroups: groups,
    httpServer,
    start: (port = config.port) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, config.host, () => {
          const bound = (httpServer.address() as AddressInfo).port;
          const url = `http://localhost:${bound}${GRAPHQL_PATH}`;
          logger.info(
            { url, database: db.kind, location: db.location, events: realtime.kind },
            `caseflow listening on ${url} (${db.kind}: ${db.location}; events: ${realtime.kind})`,
          );
          resolve({ port: bound, url });
        });
      }),
    stop: () => {
      stopping ??= (async () => {
        const grace = config.shutdownGraceSeconds * 1000;
        const closed = new Promise<void>((resolve) => (httpServer.listening ? httpServer.close(() => resolve()) : resolve()));
        httpServer.closeIdleConnections();
        // 1001 "going away" tells graphql-ws clients to reconnect elsewhere.
        for (const socket of wsServer.clients) socket.close(1001, "Server shutting down");
        await wsHandle.dispose();
        const timer = setTimeout(() => httpServer.closeAllConnections(), grace);
        await closed;
        clearTimeout(timer);
        // Clicks acknowledged before the stop are worked on and answered before the database closes.
        await slack.clicks.idle();
        await slaMonitor?.stop();
        await reportFolder?.stop();
        await webhookDispatcher?.stop();
        await slackDispatcher?.stop();
        services.liveMetrics.dispose();
        services.credentialWatch.close();
        groups.close();
        await Promise.all([realtime.close(), rateLimits.close(), loginThrottle.close()]);
        await db.close();
        logger.info("caseflow stopped");
      })();
      return stopping;
    },
  };
  return app;
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => ReturnType<typeof import("graphql").execute>;
  subscribe: (args: ExecutionArgs) => ReturnType<typeof import("graphql").subscribe>;
}

/** The allow-list of first-party operations: a JSON object of id (e.g. sha256 hash) to document. */
async function loadPersistedOperations(file: string): Promise<Map<string, string>> {
  const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
  if (!parsed || typeof parsed !== "object" || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new Error(`PERSISTED_OPERATIONS_FILE ${file} must be a JSON object of id → GraphQL document`);
  }
  return new Map(Object.entries(parsed as Record<string, string>));
}

/**
 * A refusal as graphql-ws sends it: the error's message and code (an unexpected error
 * masked), without the HTTP status that only the HTTP road uses.
 */
function socketErrors(errors: readonly unknown[]): GraphQLError[] {
  return errors.map((error) => {
    if (!(error instanceof GraphQLError)) return new GraphQLError("Unexpected error.");
    const { http: _http, ...extensions } = error.extensions ?? {};
    return new GraphQLError(error.message, { nodes: error.nodes, extensions });
  });
}
