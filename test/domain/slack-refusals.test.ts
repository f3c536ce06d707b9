import { describe, expect, it } from "vitest";
import { SLACK_LATE_GRACE_MS, slackMessageTooLate, slackRefusal } from "../../src/domain/slack.js";

describe("which Slack errors fail a message for good", () => {
  it("names the channel's errors, the token's, and a message Slack will not take", () => {
    for (const code of ["channel_not_found", "not_in_channel", "is_archived", "restricted_action_read_only_channel"]) {
      expect(slackRefusal(code)).toBe("channel");
    }
    for (const code of ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope"]) {
      expect(slackRefusal(code)).toBe("credentials");
    }
    for (const code of ["invalid_blocks", "msg_too_long", "no_text", "invalid_arguments"]) expect(slackRefusal(code)).toBe("message");
  });

  it("leaves rate limits, Slack's own trouble and unknown codes to the retries", () => {
    for (const code of [
      "ratelimited",
      "internal_error",
      "fatal_error",
      "service_unavailable",
      "request_timeout",
      "a_code_slack_adds_later",
    ]) {
      expect(slackRefusal(code)).toBeNull();
    }
    // Not a property lookup that finds Object.prototype's members.
    expect(slackRefusal("constructor")).toBeNull();
    expect(slackRefusal("__proto__")).toBeNull();
  });
});

describe("when a message is too old to post", () => {
  const expiresAt = new Date("2026-12-07T12:00:00Z");
  const at = (ms: number) => new Date(expiresAt.getTime() + ms);

  it("posts within its window and the window's last retry, made a little late", () => {
    expect(slackMessageTooLate(at(-3600_000), expiresAt)).toBe(false);
    expect(slackMessageTooLate(at(0), expiresAt)).toBe(false);
    expect(slackMessageTooLate(at(SLACK_LATE_GRACE_MS), expiresAt)).toBe(false);
  });

  it("fails it once the window ended longer ago than that", () => {
    expect(slackMessageTooLate(at(SLACK_LATE_GRACE_MS + 1), expiresAt)).toBe(true);
    expect(slackMessageTooLate(at(25 * 3600_000), expiresAt)).toBe(true);
  });
});
