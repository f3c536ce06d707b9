// Slack's Web API through the official client (@slack/web-api), configured for the
// outbox: no retries of its own (the outbox retries, durably, across instances), a 429
// rejected at once with its Retry-After so the outbox waits that long, a timeout per call,
// and only Slack's own URL (or the configured stand-in) ever called.
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from "@slack/web-api";
import type { SlackConfig } from "../../config.js";
import type { AttemptResult } from "../outbox.js";

export type SlackApi = WebClient;

export function createSlackApi(config: SlackConfig): SlackApi {
  return new WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    timeout: config.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    logLevel: LogLevel.ERROR,
  });
}

/** A failed Web API call as an outbox attempt: the status, Slack's error code, its Retry-After. Never the token. */
export function failedCall(error: unknown, latencyMs: number): AttemptResult {
  if (error instanceof WebAPIRateLimitedError) {
    return { ok: false, statusCode: 429, latencyMs, error: "rate limited by Slack", retryAfter: String(error.retryAfter) };
  }
  if (error instanceof WebAPIPlatformError) {
    return { ok: false, statusCode: 200, latencyMs, error: `Slack answered ${String(error.data.error)}`, retryAfter: null };
  }
  if (error instanceof WebAPIHTTPError) {
    return { ok: false, statusCode: error.statusCode, latencyMs, error: `Slack answered HTTP ${error.statusCode}`, retryAfter: null };
  }
  return { ok: false, statusCode: null, latencyMs, error: "Slack could not be reached", retryAfter: null };
}
