// Prometheus metrics for operators: one registry per app (tests run several apps in one
// process), filled by the observability plugin, the HTTP and WebSocket wrappers, the SLA
// monitor, the event bus and the rate limits, and served at GET /metrics.
//
// Labels never carry personal data: operation names are GraphQL names chosen by client
// developers, capped in number so a client cannot grow the series without bound; error
// codes, transports, kinds and buckets are fixed sets.
import { timingSafeEqual } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { PoolStats } from "../db.js";
import type { Transport } from "./request-context.js";

/** Distinct operation names kept as labels; later names are counted as "_other". */
const MAX_OPERATION_NAMES = 200;

/** Seconds; from a 2 ms read to a 10 s timeout. */
const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; the SLA monitor and event bus aim at well under a second. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  readonly operations = new Counter({
    name: "caseflow_graphql_operations_total",
    help: "GraphQL operations executed, by operation name, type and transport.",
    labelNames: ["operation", "type", "transport"] as const,
    registers: [this.registry],
  });
  readonly operationDuration = new Histogram({
    name: "caseflow_graphql_operation_duration_seconds",
    help: "Time to answer a query or mutation, by operation name, type and transport (subscriptions are not timed).",
    labelNames: ["operation", "type", "transport"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "caseflow_graphql_errors_total",
    help: "Errors answered to clients, by code (UNEXPECTED for masked ones) and transport.",
    labelNames: ["code", "transport"] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: "caseflow_http_requests_total",
    help: "HTTP requests answered, by route and status.",
    labelNames: ["route", "status"] as const,
    registers: [this.registry],
  });
  readonly webSockets = new Gauge({
    name: "caseflow_websocket_connections",
    help: "Open graphql-ws connections.",
    registers: [this.registry],
  });
  readonly liveSubscriptions = new Gauge({
    name: "caseflow_live_subscriptions",
    help: "Live subscriptions being served, by transport.",
    labelNames: ["transport"] as const,
    registers: [this.registry],
  });
  readonly slaAlerts = new Counter({
    name: "caseflow_sla_alerts_total",
    help: "SLA alerts fired by this instance, by kind (WARNING, BREACH) and target.",
    labelNames: ["kind", "target"] as const,
    registers: [this.registry],
  });
  readonly slaAlertLag = new Histogram({
    name: "caseflow_sla_alert_lag_seconds",
    help: "From the moment an SLA alert fell due to its commit, by kind.",
    labelNames: ["kind"] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly reportFolds = new Counter({
    name: "caseflow_report_folds_total",
    help: "Report folds run by this instance, by outcome (folded; busy: another instance's fold held the lock; failed). Reports stay exact without folds but slow down as marks pile up.",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly reportFoldedCases = new Counter({
    name: "caseflow_report_folded_cases_total",
    help: "Changed cases whose report facts this instance folded into the rollups.",
    registers: [this.registry],
  });
  readonly eventBusLag = new Histogram({
    name: "caseflow_event_bus_lag_seconds",
    help: "From publishing a live event on one instance to receiving it from Redis on another, by topic.",
    labelNames: ["topic"] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  readonly rateLimitRefusals = new Counter({
    name: "caseflow_rate_limit_refusals_total",
    help: "Requests refused by a rate limit, by bucket (credential or address).",
    labelNames: ["bucket"] as const,
    registers: [this.registry],
  });

  constructor(poolStats?: () => PoolStats | null) {
    collectDefaultMetrics({ register: this.registry });
    if (poolStats) {
      new Gauge({
        name: "caseflow_db_pool_connections",
        help: "PostgreSQL pool connections by state (in_use, idle, waiting: requests queued for a connection).",
        labelNames: ["state"] as const,
        registers: [this.registry],
        collect() {
          const stats = poolStats();
          if (!stats) return;
          this.set({ state: "in_use" }, stats.inUse);
          this.set({ state: "idle" }, stats.idle);
          this.set({ state: "waiting" }, stats.waiting);
        },
      });
    }
  }

  /** The label for an operation name: the name, "_anonymous", or "_other" past the cap. */
  operationLabel(name: string | null): string {
    if (!name) return "_anonymous";
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return "_other";
    this.operationNames.add(name);
    return name;
  }

  labels(name: string | null, type: string, transport: Transport): { operation: string; type: string; transport: Transport } {
    return { operation: this.operationLabel(name), type, transport };
  }
}

/**
 * GET /metrics in Prometheus' text format. With a token configured, only a request that
 * sends it as `Authorization: Bearer <token>` is answered; anything else gets 401 and no
 * figures.
 */
export function useMetricsEndpoint(metrics: Metrics, token: string | undefined): Plugin {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return {
    onRequest: async ({ request, url, endResponse }) => {
      if (url.pathname !== "/metrics") return;
      if (request.method !== "GET") {
        endResponse(new Response("method not allowed\n", { status: 405, headers: { allow: "GET" } }));
        return;
      }
      if (expected) {
        const sent = Buffer.from(request.headers.get("authorization") ?? "");
        if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
          endResponse(
            new Response("unauthorized\n", {
              status: 401,
              headers: { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain; charset=utf-8" },
            }),
          );
          return;
        }
      }
      endResponse(new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } }));
    },
  };
}
