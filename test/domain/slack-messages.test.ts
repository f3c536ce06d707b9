import { describe, expect, it } from "vitest";
import {
  caseEventMessage,
  caseLink,
  caseViewMessage,
  escapeMrkdwn,
  PRACTICE_MARK,
  type SlackCase,
  slackEventOfIncidentUpdate,
  slackEventsOfTicketEvent,
  slackMessage,
  slackNoteOfTicketEvent,
  swarmOpenedMessage,
} from "../../src/domain/slack.js";

const shown: SlackCase = {
  id: "VGlja2V0OjE=",
  number: "WX-20231025-001",
  title: "ACC-1 refund <!channel> & more",
  status: "NOT_STARTED",
  priority: "HIGH",
  team: "Payments",
  assignee: { name: "Ann Agent", slackUserId: "U0AAAAAAA" },
  submittedBy: { name: "Sam Submitter", slackUserId: "U0SSSSSSS" },
  contactMasked: "138****5678",
  slaDueAt: "2023-10-25T10:00:00.000Z",
  markerCommentId: "Q29tbWVudDox",
  practice: false,
};

const texts = (message: { blocks: Record<string, unknown>[] }) => JSON.stringify(message.blocks);

describe("which events a channel hears of", () => {
  it("maps audit events, INFORM_CUSTOMER first for that move", () => {
    expect(slackEventsOfTicketEvent("CREATED", {})).toEqual(["TICKET_CREATED"]);
    expect(slackEventsOfTicketEvent("STATUS_CHANGED", { status: "INFORM_CUSTOMER" })).toEqual(["INFORM_CUSTOMER", "TICKET_STATUS_CHANGED"]);
    expect(slackEventsOfTicketEvent("STATUS_CHANGED", { status: "DONE" })).toEqual(["TICKET_STATUS_CHANGED"]);
    expect(slackEventsOfTicketEvent("SLA_BREACHED", {})).toEqual(["SLA_BREACH"]);
    expect(slackEventsOfTicketEvent("TAGGED", {})).toEqual([]);
  });

  it("tells of a survey only when the customer was unsatisfied", () => {
    expect(slackEventsOfTicketEvent("SURVEY_ANSWERED", { rating: 1, needsReview: true })).toEqual(["SURVEY_UNSATISFIED"]);
    expect(slackEventsOfTicketEvent("SURVEY_ANSWERED", { rating: 5 })).toEqual([]);
  });

  it("tells of incidents of severity 3 and up only", () => {
    expect(slackEventOfIncidentUpdate("DECLARED", 3)).toBe("INCIDENT_DECLARED");
    expect(slackEventOfIncidentUpdate("DECLARED", 2)).toBeNull();
    expect(slackEventOfIncidentUpdate("RESOLVED", 4)).toBe("INCIDENT_RESOLVED");
    expect(slackEventOfIncidentUpdate("UPDATE", 4)).toBeNull();
  });
});

describe("the line under a case", () => {
  it("names an SLA warning's or breach's target and its due time, since a case has several", () => {
    const after = { target: "FIRST_RESPONSE", cycle: 1, dueAt: "2023-10-25T10:00:00.000Z" };
    expect(slackNoteOfTicketEvent("SLA_WARNING", after, null)).toBe("First response due 2023-10-25T10:00:00.000Z");
    expect(slackNoteOfTicketEvent("SLA_BREACHED", { ...after, target: "RESOLUTION" }, null)).toBe(
      "Resolution was due 2023-10-25T10:00:00.000Z",
    );
    expect(slackNoteOfTicketEvent("SLA_BREACHED", {}, null)).toBe("A target");
  });

  it("is the event's own note otherwise", () => {
    expect(slackNoteOfTicketEvent("STATUS_CHANGED", { status: "INFORM_CUSTOMER" }, "Refund sent")).toBe("Refund sent");
    expect(slackNoteOfTicketEvent("CREATED", {}, undefined)).toBeNull();
  });
});

describe("case messages", () => {
  it("show number, title, priority, status, who, SLA due, masked contact and the buttons", () => {
    const message = caseEventMessage("TICKET_CREATED", shown, { link: null });
    const [head, fields, context, actions] = message.blocks as any[];
    expect(head.text.text).toContain("*WX-20231025-001*");
    expect(fields.fields.map((f: any) => f.text)).toEqual([
      "*Priority*\nHIGH",
      "*Status*\nNOT_STARTED",
      "*Who*\n<@U0AAAAAAA>",
      "*SLA due*\n<!date^1698228000^{date_short_pretty} {time}|2023-10-25T10:00:00.000Z>",
    ]);
    expect(context.elements.map((e: any) => e.text)).toEqual(["Team Payments", "Contact 138****5678"]);
    expect(actions.elements.map((e: any) => [e.action_id, e.value])).toEqual([
      ["case_take", shown.id],
      ["case_marker_on_it", JSON.stringify({ ticketId: shown.id, commentId: shown.markerCommentId })],
      ["case_marker_resolved", JSON.stringify({ ticketId: shown.id, commentId: shown.markerCommentId })],
    ]);
    expect(message.text).toContain("WX-20231025-001");
  });

  it("escapes the title so it cannot mention or link", () => {
    const message = caseEventMessage("TICKET_CREATED", shown, { link: null });
    expect(texts(message)).toContain("refund &lt;!channel&gt; &amp; more");
    expect(texts(message)).not.toContain("<!channel>");
    expect(escapeMrkdwn("<@U1> & <http://x|y>")).toBe("&lt;@U1&gt; &amp; &lt;http://x|y&gt;");
  });

  it("links the number when a case link is configured", () => {
    const link = caseLink("https://support.example.com/cases/{number}", shown.number);
    expect(link).toBe("https://support.example.com/cases/WX-20231025-001");
    expect(texts(caseEventMessage("TICKET_CREATED", shown, { link }))).toContain(
      "<https://support.example.com/cases/WX-20231025-001|WX-20231025-001>",
    );
    expect(caseLink(null, shown.number)).toBeNull();
  });

  it("mentions the submitting agent on INFORM_CUSTOMER, by name when not linked", () => {
    expect(texts(caseEventMessage("INFORM_CUSTOMER", shown, { link: null }))).toContain("<@U0SSSSSSS>, you opened this case");
    const unlinked = { ...shown, submittedBy: { name: "Sam <b>", slackUserId: null } };
    expect(texts(caseEventMessage("INFORM_CUSTOMER", unlinked, { link: null }))).toContain("Sam &lt;b&gt;, you opened this case");
  });

  it("leaves out the marker buttons when the case has no comment, and shows nobody when unassigned", () => {
    const message = caseEventMessage("TICKET_CREATED", { ...shown, markerCommentId: null, assignee: null }, { link: null });
    const actions = message.blocks.at(-1) as any;
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(["case_take"]);
    expect(texts(message)).toContain("*Who*\\n_nobody yet_");
  });

  it("draws an outbox payload with the configured link", () => {
    const message = slackMessage(
      { kind: "case", event: "SLA_BREACH", channel: "C0123456", ticketId: "t", startsThread: true, case: shown, note: null },
      "https://x.example/{number}",
    );
    expect(texts(message)).toContain("<https://x.example/WX-20231025-001|WX-20231025-001>");
    expect(texts(message)).toContain("SLA missed");
  });
});

describe("practice cases", () => {
  const practice = { ...shown, practice: true };
  const views = (c: typeof shown) => [
    caseEventMessage("TICKET_CREATED", c, { link: null }),
    caseViewMessage(c, null),
    swarmOpenedMessage(c, "card network errors", ["payments"], null),
  ];

  it("are marked first in every view of a case, in the blocks and the notification text", () => {
    for (const message of views(practice)) {
      expect(message.text.startsWith(`${PRACTICE_MARK}: `)).toBe(true);
      expect(message.blocks[0]).toMatchObject({ type: "context", block_id: "practice" });
      expect(texts({ blocks: [message.blocks[0]!] })).toContain(PRACTICE_MARK);
    }
  });

  it("leave real cases' views unmarked", () => {
    for (const message of views(shown)) expect(JSON.stringify(message)).not.toContain(PRACTICE_MARK);
  });

  it("count a message queued before cases carried the flag as a real case's (practice cases were never queued)", () => {
    const { practice: _left, ...queuedBefore } = shown;
    const message = slackMessage(
      {
        kind: "case",
        event: "TICKET_CREATED",
        channel: "C0123456",
        ticketId: "t",
        startsThread: true,
        case: queuedBefore as typeof shown,
        note: null,
      },
      null,
    );
    expect(JSON.stringify(message)).not.toContain(PRACTICE_MARK);
  });
});
