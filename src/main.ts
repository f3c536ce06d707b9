// The only reader of process.env: validate the configuration, build the app, serve,
// and stop gracefully on SIGTERM/SIGINT.
//
// Only the configuration is imported up front: the app and the tracing SDK are loaded
// once the configuration is known to be valid (and tracing wanted), so a wrong setting is
// reported at once instead of after seconds of loading modules.
import { type Config, ConfigError, loadConfig } from "./config.js";
import type { Tracing } from "./observability/tracing.js";
import type { App } from "./server.js";

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Before the app, so that its first statements are traced too.
const tracing: Tracing | null = config.tracing.otlpEndpoint
  ? (await import("./observability/tracing.js")).startTracing({
      serviceName: config.tracing.serviceName,
      exporter: { otlpEndpoint: config.tracing.otlpEndpoint },
    })
  : null;

let app: App;
try {
  const { createApp } = await import("./server.js");
  app = await createApp(config);
} catch (error) {
  // One line an operator can act on (the database or Redis does not answer, a migration
  // failed), not a stack trace.
  console.error(`caseflow cannot start: ${startFailure(error)}`);
  process.exit(1);
}
try {
  await app.start();
} catch (error) {
  const { code } = error as { code?: string };
  app.logger.fatal({ code }, code === "EADDRINUSE" ? `port ${config.port} is already in use; set PORT` : `cannot listen: ${String(error)}`);
  await app.stop();
  process.exit(1);
}

/** What went wrong at start, in one line, without credentials from connection strings. */
function startFailure(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = String(message ?? error)
    .split("\n")[0]!
    .replace(/\/\/[^@/\s]*@/g, "//");
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT/.test(text)) {
    return `the database does not answer (${text})`;
  }
  return text;
}

let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    app.logger.info({ signal }, "shutting down");
    // A hard deadline, in case something refuses to close.
    setTimeout(() => process.exit(1), (config.shutdownGraceSeconds + 5) * 1000).unref();
    app
      .stop()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (error) => {
          app.logger.error({ err: error }, "error while stopping");
          process.exit(1);
        },
      );
  });
}
