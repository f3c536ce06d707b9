// Wraps the HTTP handler (yoga) so that each request gets a request record (id from
// X-Request-Id or a new one, returned in the response header), a server span that
// continues the caller's trace (W3C traceparent), a count by route and status, and one
// access-log line when the response is done, however it ended.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import { writeAccessLog } from "./access-log.js";
import type { Metrics } from "./metrics.js";
import { newRequestRecord, requestIdFrom, runInRequest } from "./request-context.js";
import { tracer } from "./tracing.js";

/** Routes counted by name; anything else is "other", so scanners cannot grow the series. */
const ROUTES = new Set(["/graphql", "/health", "/ready", "/metrics", "/export/tickets.csv", "/wallboard"]);

function routeOf(url: string | undefined): string {
  const pathname = (url ?? "/").split("?")[0]!;
  return ROUTES.has(pathname) ? pathname : "other";
}

export function observeHttp(handler: RequestListener, metrics: Metrics, logger: Logger): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers["x-request-id"];
    const accept = req.headers.accept ?? "";
    const record = newRequestRecord(
      requestIdFrom(Array.isArray(header) ? header[0] : header),
      accept.includes("text/event-stream") ? "sse" : "http",
    );
    res.setHeader("x-request-id", record.id);
    const route = routeOf(req.url);
    const method = req.method ?? "GET";
    const parent = propagation.extract(otelContext.active(), req.headers);
    const span = tracer.startSpan(
      `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "http.route": route, "caseflow.request_id": record.id } },
      parent,
    );
    res.once("close", () => {
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client went away first
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      metrics.httpRequests.inc({ route, status: String(status) });
      writeAccessLog(logger, record, { status, method, route });
    });
    runInRequest(record, () => otelContext.with(trace.setSpan(parent, span), () => handler(req, res)));
  };
}
