import { describe, expect, it } from "vitest";
import { replyEffects, type SlaEffect, slaEffects, type TargetState } from "../../src/domain/sla.js";
import type { TicketStatus } from "../../src/generated/prisma/enums.js";

const STATUSES: TicketStatus[] = ["NEW", "NOT_STARTED", "TEAM_CHECKING", "INFORM_CUSTOMER", "DONE", "BACKLOG"];
const now = new Date("2026-03-02T10:00:00Z");
const answeredAt = new Date("2026-03-02T09:00:00Z");
const earlier = new Date("2026-03-02T08:00:00Z");

type Target = TargetState & { name: string };
const target = (name: string, kind: string, cycle: number, state: "open" | "paused" | "met"): Target => ({
  name,
  kind,
  cycle,
  metAt: state === "met" ? earlier : null,
  pausedAt: state === "paused" ? answeredAt : null,
});

// The targets a case usually carries in each status, every one of them open where it can be,
// so that a move the workflow does not have would find something to change.
const TYPICAL: Record<TicketStatus, Target[]> = {
  NEW: [],
  NOT_STARTED: [target("fr1", "FIRST_RESPONSE", 1, "open"), target("res1", "RESOLUTION", 1, "open")],
  TEAM_CHECKING: [target("fr1", "FIRST_RESPONSE", 1, "met"), target("res1", "RESOLUTION", 1, "open")],
  INFORM_CUSTOMER: [
    target("fr1", "FIRST_RESPONSE", 1, "open"),
    target("res1", "RESOLUTION", 1, "paused"),
    target("fu1", "FOLLOW_UP", 1, "open"),
  ],
  DONE: [target("fr1", "FIRST_RESPONSE", 1, "open"), target("res1", "RESOLUTION", 1, "open"), target("fu1", "FOLLOW_UP", 1, "open")],
  BACKLOG: [target("fr1", "FIRST_RESPONSE", 1, "open"), target("res1", "RESOLUTION", 1, "open"), target("fu1", "FOLLOW_UP", 1, "open")],
};

/** Effects as short strings: "start FOLLOW_UP#2", "pause res1", "meet fu1@now". */
const show = (effects: SlaEffect<Target>[]) =>
  effects.map((e) => {
    const when = e.at === now ? "now" : e.at === answeredAt ? "answer" : e.at.toISOString();
    if (e.op === "start") return `start ${e.kind}#${e.cycle}@${when}`;
    return `${e.op} ${e.target.name}@${when}`;
  });

const EXPECTED: Partial<Record<`${TicketStatus}>${TicketStatus}`, string[]>> = {
  "NEW>NOT_STARTED": ["start FIRST_RESPONSE#1@now", "start RESOLUTION#1@now"],
  "NOT_STARTED>TEAM_CHECKING": ["meet fr1@now"],
  "TEAM_CHECKING>INFORM_CUSTOMER": ["pause res1@now", "start FOLLOW_UP#1@now"],
  "INFORM_CUSTOMER>DONE": ["meet fu1@now", "meet res1@answer"],
  "INFORM_CUSTOMER>NOT_STARTED": ["meet fu1@now", "resume res1@now"],
  "DONE>NOT_STARTED": ["start RESOLUTION#2@now"],
  "DONE>BACKLOG": [],
};

describe("slaEffects: every status pair", () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const key = `${from}>${to}` as const;
      const expected = EXPECTED[key];
      it(`${from} → ${to}: ${expected ? expected.join(", ") || "nothing" : "not a move, nothing"}`, () => {
        expect(show(slaEffects(from, to, TYPICAL[from], now))).toEqual(expected ?? []);
      });
    }
  }
});

describe("slaEffects: the clocks' history decides", () => {
  it("starts first response and resolution once per case", () => {
    const started = [target("fr1", "FIRST_RESPONSE", 1, "met"), target("res1", "RESOLUTION", 1, "open")];
    expect(show(slaEffects("NEW", "NOT_STARTED", started, now))).toEqual([]);
  });

  it("meets first response only once: taking the case up again after the customer replied is no first response", () => {
    const afterReply = [
      target("fr1", "FIRST_RESPONSE", 1, "met"),
      target("res1", "RESOLUTION", 1, "open"),
      target("fu1", "FOLLOW_UP", 1, "met"),
    ];
    expect(show(slaEffects("NOT_STARTED", "TEAM_CHECKING", afterReply, now))).toEqual([]);
  });

  it("counts follow-up and resolution cycles from the latest one, whatever the order of the rows", () => {
    const second = [
      target("fu2", "FOLLOW_UP", 2, "met"),
      target("res2", "RESOLUTION", 2, "open"),
      target("fu1", "FOLLOW_UP", 1, "met"),
      target("res1", "RESOLUTION", 1, "met"),
      target("fr1", "FIRST_RESPONSE", 1, "met"),
    ];
    expect(show(slaEffects("TEAM_CHECKING", "INFORM_CUSTOMER", second, now))).toEqual(["pause res2@now", "start FOLLOW_UP#3@now"]);
    const closed = [target("res2", "RESOLUTION", 2, "met"), target("res1", "RESOLUTION", 1, "met")];
    expect(show(slaEffects("DONE", "NOT_STARTED", closed, now))).toEqual(["start RESOLUTION#3@now"]);
  });

  it("does not pause a resolution clock that already stands or was met, but still starts the follow-up", () => {
    expect(show(slaEffects("TEAM_CHECKING", "INFORM_CUSTOMER", [target("res1", "RESOLUTION", 1, "paused")], now))).toEqual([
      "start FOLLOW_UP#1@now",
    ]);
    expect(show(slaEffects("TEAM_CHECKING", "INFORM_CUSTOMER", [target("res1", "RESOLUTION", 1, "met")], now))).toEqual([
      "start FOLLOW_UP#1@now",
    ]);
  });

  it("meets a resolution that was never paused when the case closes, at the close", () => {
    expect(show(slaEffects("INFORM_CUSTOMER", "DONE", [target("res1", "RESOLUTION", 1, "open")], now))).toEqual(["meet res1@now"]);
  });

  it("does not resume a resolution clock that runs, nor meet targets already met", () => {
    const running = [target("res1", "RESOLUTION", 1, "open"), target("fu1", "FOLLOW_UP", 1, "met")];
    expect(show(slaEffects("INFORM_CUSTOMER", "NOT_STARTED", running, now))).toEqual([]);
    expect(show(slaEffects("INFORM_CUSTOMER", "DONE", [target("res1", "RESOLUTION", 1, "met")], now))).toEqual([]);
  });

  it("does nothing to a case without targets (no policy applied) except start what a move starts", () => {
    expect(show(slaEffects("NOT_STARTED", "TEAM_CHECKING", [], now))).toEqual([]);
    expect(show(slaEffects("INFORM_CUSTOMER", "NOT_STARTED", [], now))).toEqual([]);
    expect(show(slaEffects("TEAM_CHECKING", "INFORM_CUSTOMER", [], now))).toEqual(["start FOLLOW_UP#1@now"]);
  });
});

describe("replyEffects: a public reply by staff", () => {
  const submitted = TYPICAL.NOT_STARTED;
  const waiting = [
    target("fr1", "FIRST_RESPONSE", 1, "met"),
    target("res1", "RESOLUTION", 1, "paused"),
    target("fu3", "FOLLOW_UP", 3, "open"),
  ];

  it("from the owning team is a first response while that target is open", () => {
    expect(show(replyEffects("NOT_STARTED", true, submitted, now))).toEqual(["meet fr1@now"]);
    expect(show(replyEffects("NOT_STARTED", false, submitted, now))).toEqual([]);
    expect(show(replyEffects("TEAM_CHECKING", true, TYPICAL.TEAM_CHECKING, now))).toEqual([]);
  });

  it("while the customer is awaited meets the follow-up and starts its next cycle, whoever writes it", () => {
    expect(show(replyEffects("INFORM_CUSTOMER", false, waiting, now))).toEqual(["meet fu3@now", "start FOLLOW_UP#4@now"]);
    expect(show(replyEffects("INFORM_CUSTOMER", true, waiting, now))).toEqual(["meet fu3@now", "start FOLLOW_UP#4@now"]);
  });

  it("does both when the team's first words come while the customer is awaited", () => {
    expect(show(replyEffects("INFORM_CUSTOMER", true, TYPICAL.INFORM_CUSTOMER, now))).toEqual([
      "meet fr1@now",
      "meet fu1@now",
      "start FOLLOW_UP#2@now",
    ]);
  });

  it("leaves follow-up alone outside INFORM_CUSTOMER and once it is met", () => {
    expect(show(replyEffects("NOT_STARTED", false, waiting, now))).toEqual([]);
    expect(show(replyEffects("INFORM_CUSTOMER", false, [target("fu1", "FOLLOW_UP", 1, "met")], now))).toEqual([]);
  });
});
