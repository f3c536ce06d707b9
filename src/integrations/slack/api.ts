// Slack's Web API through the official client (@slack/web-api), configured for the
// outbox: no retries of its own (the outbox retries, durably, across instances), a 429
// rejected at once with its Retry-After so the outbox waits that long, a timeout per call,
// and only Slack's own URL (or the configured stand-in) ever called.
import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClient } from "@slack/web-api";
import type { SlackConfig } from "../../config.js";
import { type SlackRefusal, slackRefusal } from "../../domain/slack.js";
import type { AttemptResult } from "../outbox.js";

export type SlackApi = WebClient;

const REFUSAL_TEXT: Record<SlackRefusal, string> = {
  channel: "the channel is gone, archived or closed to the app",
  credentials: "the bot token is invalid, revoked or lacks a scope",
  message: "Slack does not take the message as written",
};

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

/** An attempt of the Slack sender; `refusal` when Slack refused it for good (domain/slack.ts slackRefusal). */
export interface SlackAttemptResult extends AttemptResult {
  refusal?: { kind: SlackRefusal; code: string };
}

/**
 * A failed Web API call as an outbox attempt: the status, Slack's error code, its
 * Retry-After. An error that trying again cannot mend (slackRefusal) gives up at once.
 * Never the token.
 */
export function failedCall(error: unknown, latencyMs: number): SlackAttemptResult {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      ok: false,
      statusCode: 429,
      latencyMs,
      error: "rate limited by Slack",
      errorCode: "ratelimited",
      retryAfter: String(error.retryAfter),
    };
  }
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    const kind = slackRefusal(code);
    return {
      ok: false,
      statusCode: 200,
      latencyMs,
      error: kind ? `Slack refused it: ${code} (${REFUSAL_TEXT[kind]}); not retried` : `Slack answered ${code}`,
      errorCode: code,
      retryAfter: null,
      ...(kind ? { giveUp: true, refusal: { kind, code } } : {}),
    };
  }
  if (error instanceof WebAPIHTTPError) {
    return { ok: false, statusCode: error.statusCode, latencyMs, error: `Slack answered HTTP ${error.statusCode}`, retryAfter: null };
  }
  return { ok: false, statusCode: null, latencyMs, error: "Slack could not be reached", retryAfter: null };
}

/**
 * A Slack member's e-mail address (users.info; needs the users:read and users:read.email
 * scopes), or null when Slack answers that there is no such member, gives no address, or
 * the member is a bot or deactivated. Throws when Slack cannot say: another error
 * (missing_scope, internal_error…), an HTTP error, a timeout, no connection.
 */
export async function slackMemberEmail(api: SlackApi, slackUserId: string): Promise<string | null> {
  let user: Awaited<ReturnType<SlackApi["users"]["info"]>>["user"];
  try {
    ({ user } = await api.users.info({ user: slackUserId }));
  } catch (error) {
    if (error instanceof WebAPIPlatformError && error.data.error === "user_not_found") return null;
    throw error;
  }
  if (!user || user.deleted || user.is_bot) return null;
  return user.profile?.email ?? null;
}
