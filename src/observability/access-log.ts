// One access-log line per HTTP request and per graphql-ws operation, written when the
// work ends. It names the operation, transport, status, duration and credential (kind and
// id), never a person's name, address or anything from the request body.
import type { Logger } from "pino";
import { type RequestRecord, secondsSince } from "./request-context.js";

export interface Outcome {
  /** HTTP status, or for graphql-ws "ok", "error" or "refused". */
  status: number | string;
  method?: string;
  route?: string;
}

/** Probes from load balancers and orchestrators: logged at debug, not to drown the rest. */
const PROBES = new Set(["/health", "/ready", "/metrics"]);

export function writeAccessLog(logger: Logger, record: RequestRecord, outcome: Outcome): void {
  const line = {
    access: true,
    requestId: record.id,
    transport: record.transport,
    ...(outcome.method ? { method: outcome.method } : {}),
    ...(outcome.route ? { route: outcome.route } : {}),
    status: outcome.status,
    durationMs: Math.round(secondsSince(record.startedAt) * 1e4) / 10,
    operations: record.operations.map((operation) => `${operation.type} ${operation.name ?? "anonymous"}`),
    credential: record.credential?.kind ?? "anonymous",
    ...(record.credential ? { credentialId: record.credential.id } : {}),
    ...(record.errorCodes.length ? { errors: [...record.errorCodes] } : {}),
  };
  if (outcome.route && PROBES.has(outcome.route)) logger.debug(line, "access");
  else logger.info(line, "access");
}
