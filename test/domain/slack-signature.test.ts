// Slack's request signature, checked against the worked example in Slack's own
// documentation (https://api.slack.com/authentication/verifying-requests-from-slack):
// that secret, timestamp and body give that signature.
import { describe, expect, it } from "vitest";
import { SLACK_SIGNATURE_WINDOW_SECONDS, slackSignatureProblem } from "../../src/domain/slack.js";

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const timestamp = "1531420618";
const body =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const at = (seconds: number) => new Date(seconds * 1000);
const check = (overrides: Partial<Parameters<typeof slackSignatureProblem>[0]> = {}) =>
  slackSignatureProblem({ signingSecret, timestamp, signature, body, now: at(Number(timestamp) + 10), ...overrides });

describe("slackSignatureProblem", () => {
  it("accepts Slack's documented example, as text or bytes", () => {
    expect(check()).toBeNull();
    expect(check({ body: Buffer.from(body) })).toBeNull();
  });

  it("refuses a changed body, secret or signature", () => {
    expect(check({ body: body.replace("roadrunner", "coyote") })).toBe("bad signature");
    expect(check({ signingSecret: `${signingSecret}x` })).toBe("bad signature");
    expect(check({ signature: signature.replace(/.$/, "4") })).toBe("bad signature");
    expect(check({ signature: signature.slice(0, -2) })).toBe("bad signature");
    expect(check({ signature: signature.replace("v0=", "v1=") })).toBe("bad signature");
  });

  it("refuses unsigned requests and malformed timestamps", () => {
    expect(check({ signature: null })).toBe("unsigned");
    expect(check({ timestamp: null })).toBe("unsigned");
    expect(check({ timestamp: "1531420618.5" })).toBe("malformed timestamp");
  });

  it("accepts five minutes either side of now, and no more", () => {
    const t = Number(timestamp);
    expect(check({ now: at(t + SLACK_SIGNATURE_WINDOW_SECONDS) })).toBeNull();
    expect(check({ now: at(t - SLACK_SIGNATURE_WINDOW_SECONDS) })).toBeNull();
    expect(check({ now: at(t + SLACK_SIGNATURE_WINDOW_SECONDS + 1) })).toBe("stale");
    expect(check({ now: at(t - SLACK_SIGNATURE_WINDOW_SECONDS - 1) })).toBe("stale");
  });
});
