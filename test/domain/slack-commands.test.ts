import { describe, expect, it } from "vitest";
import { parseSlashCommand, slackLookupTimeoutMs } from "../../src/domain/slack.js";

describe("parseSlashCommand", () => {
  it("reads help, also when nothing is given", () => {
    expect(parseSlashCommand("help")).toEqual({ kind: "help" });
    expect(parseSlashCommand(" HELP ")).toEqual({ kind: "help" });
    expect(parseSlashCommand("")).toEqual({ kind: "help" });
  });

  it("reads a new case: the account id is the title's first word, details after the bar", () => {
    expect(parseSlashCommand("new ACC-1042 refund not received | tried the app twice")).toEqual({
      kind: "new",
      accountId: "ACC-1042",
      title: "ACC-1042 refund not received",
      details: "tried the app twice",
    });
    expect(parseSlashCommand("new ACC-7 card blocked")).toEqual({
      kind: "new",
      accountId: "ACC-7",
      title: "ACC-7 card blocked",
      details: null,
    });
    // Only the first bar splits: details may hold more.
    expect(parseSlashCommand("new ACC-7 a | b | c")).toMatchObject({ title: "ACC-7 a", details: "b | c" });
  });

  it("asks for a title when a new case has none", () => {
    expect(parseSlashCommand("new")).toMatchObject({ kind: "invalid" });
    expect(parseSlashCommand("new  | only details")).toMatchObject({ kind: "invalid" });
  });

  it("reads a case number, in any case", () => {
    expect(parseSlashCommand("WX-20231025-001")).toEqual({ kind: "show", number: "WX-20231025-001" });
    expect(parseSlashCommand(" slk-20261202-012 ")).toEqual({ kind: "show", number: "SLK-20261202-012" });
  });

  it("answers anything else with a pointer to help", () => {
    const answer = parseSlashCommand("close WX-1");
    expect(answer.kind).toBe("invalid");
    expect(answer.kind === "invalid" && answer.message).toContain("/case help");
  });
});

describe("slackLookupTimeoutMs", () => {
  it("keeps the e-mail lookup inside Slack's 3 s answer window whatever SLACK_TIMEOUT_MS says", () => {
    expect(slackLookupTimeoutMs(10_000)).toBe(2_000);
    expect(slackLookupTimeoutMs(120_000)).toBe(2_000);
    expect(slackLookupTimeoutMs(500)).toBe(500);
  });
});
