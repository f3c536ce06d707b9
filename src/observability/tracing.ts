// OpenTelemetry traces. The code creates spans through the API only; without a registered
// provider (the default) they are no-ops that cost next to nothing. `startTracing`
// registers one: main.ts does so, exporting over OTLP/HTTP, when
// OTEL_EXPORTER_OTLP_ENDPOINT is set; tests do so with an in-memory exporter.
//
// Spans: one per HTTP request or graphql-ws operation (observability/http.ts and
// websocket.ts), one per GraphQL operation beneath it (graphql.ts), and one per SQL
// statement beneath that, from Prisma's own instrumentation.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { PrismaInstrumentation } from "@prisma/instrumentation";

export const tracer = trace.getTracer("caseflow");

export interface TracingOptions {
  serviceName: string;
  /** Where spans go: OTLP/HTTP to an endpoint (batched), or a given exporter (each span at once). */
  exporter: { otlpEndpoint: string } | SpanExporter;
}

export interface Tracing {
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** Registers the global tracer provider, W3C trace-context propagation and Prisma's SQL spans. */
export function startTracing(options: TracingOptions): Tracing {
  const processor =
    "otlpEndpoint" in options.exporter
      ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.exporter.otlpEndpoint.replace(/\/+$/, "")}/v1/traces` }))
      : new SimpleSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  const sql = new PrismaInstrumentation();
  sql.setTracerProvider(provider);
  sql.enable();
  return {
    shutdown: async () => {
      sql.disable();
      await provider.shutdown();
      trace.disable();
    },
  };
}
