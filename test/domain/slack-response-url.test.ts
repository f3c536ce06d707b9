// Which `response_url` of a click caseflow calls: Slack's own origin, or the configured
// SLACK_API_URL's (a stand-in or proxy), and nothing else, however the URL is dressed up.
import { describe, expect, it } from "vitest";
import { slackResponseUrlCall } from "../../src/domain/slack.js";

const SLACK_API = "https://slack.com/api/";
const STAND_IN = "http://127.0.0.1:4567/api/";

describe("slackResponseUrlCall", () => {
  it("accepts Slack's response URLs, and the configured API's origin", () => {
    // Slack's own host only at public addresses; the operator's stand-in may be local.
    expect(slackResponseUrlCall("https://hooks.slack.com/actions/T1/2/abc", SLACK_API)).toEqual({
      problem: null,
      allowPrivateNetworks: false,
    });
    expect(slackResponseUrlCall("https://HOOKS.slack.com:443/actions/T1/2/abc", SLACK_API)).toEqual({
      problem: null,
      allowPrivateNetworks: false,
    });
    expect(slackResponseUrlCall("http://127.0.0.1:4567/actions/1", STAND_IN)).toEqual({ problem: null, allowPrivateNetworks: true });
  });

  it("refuses every other address, look-alike or scheme", () => {
    for (const url of [
      "http://hooks.slack.com/actions/1", // not https
      "https://hooks.slack.com:8443/actions/1",
      "https://hooks.slack.com.evil.example/actions/1",
      "https://evil.example/?https://hooks.slack.com/",
      "https://api.slack.com/actions/1",
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1:4568/actions/1", // the stand-in's host, another port
      "file:///etc/passwd",
      "not a url",
    ]) {
      expect(slackResponseUrlCall(url, url.includes("4568") ? STAND_IN : SLACK_API).problem, url).not.toBeNull();
    }
    expect(slackResponseUrlCall("https://user:pw@hooks.slack.com/actions/1", SLACK_API)).toEqual({ problem: "carries credentials" });
  });
});
