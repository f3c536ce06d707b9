// Training mode's pure rules: which cases count in production figures, which replies are
// held, who reads a held reply, who reviews it, who sets mentors.
import { describe, expect, it } from "vitest";
import {
  type CommentAccessFacts,
  canSeeComment,
  canSeeEvent,
  mayMentor,
  mayReviewReply,
  receivesAlert,
  reviewableRepliesWhere,
  type TokenScope,
  type Viewer,
  visibleCommentsWhere,
  visibleEventsWhere,
} from "../../src/domain/access.js";
import { casesLike, countsInProduction, holdsReply, PRODUCTION_CASES, productionColumns, reviewable } from "../../src/domain/training.js";
import type { Role } from "../../src/generated/prisma/enums.js";

const person = (userId: string, role: Role, teamIds: string[] = []): Viewer => ({
  kind: "user",
  userId,
  sessionId: "s",
  role,
  teamIds,
  canViewContact: false,
});
const token = (scopes: TokenScope[], teamIds: string[] = []): Viewer => ({ kind: "token", tokenId: "t", scopes, teamIds });

const held = (state: CommentAccessFacts["reviewState"] = "PENDING_REVIEW"): CommentAccessFacts => ({
  reviewState: state,
  authorId: "trainee",
  authorMentorId: "mentor",
});
const caseOfA = { teamId: "A" };

describe("countsInProduction", () => {
  it("counts real cases and leaves practice cases out, from the one condition", () => {
    expect(countsInProduction({ practice: false })).toBe(true);
    expect(countsInProduction({ practice: true })).toBe(false);
    expect(PRODUCTION_CASES).toEqual({ practice: false });
    expect(productionColumns()).toEqual([["practice", false]]);
  });

  it("counts load by kind: production with production, practice with practice", () => {
    expect(casesLike({ practice: false })).toEqual(PRODUCTION_CASES);
    expect(casesLike({ practice: true })).toEqual({ NOT: PRODUCTION_CASES });
  });
});

describe("holdsReply", () => {
  it("holds public replies of people under review, nothing else", () => {
    expect(holdsReply("REPLY", { reviewRequired: true })).toBe(true);
    expect(holdsReply("REPLY", { reviewRequired: false })).toBe(false);
    expect(holdsReply("REPLY", null)).toBe(false);
    for (const kind of ["NOTE", "CUSTOMER_REPLY", "SYSTEM"] as const) expect(holdsReply(kind, { reviewRequired: true })).toBe(false);
  });

  it("decides once: only a held reply is approved or rejected", () => {
    expect(reviewable("PENDING_REVIEW")).toBe(true);
    for (const state of ["APPROVED", "REJECTED", null] as const) expect(reviewable(state)).toBe(false);
  });
});

describe("canSeeComment", () => {
  it("shows ordinary and approved comments to whoever sees the case", () => {
    for (const viewer of [person("x", "AGENT", ["A"]), token(["tickets:read"])]) {
      expect(canSeeComment(viewer, { reviewState: null, authorId: "y", authorMentorId: null }, caseOfA)).toBe(true);
      expect(canSeeComment(viewer, held("APPROVED"), caseOfA)).toBe(true);
    }
  });

  it.each(["PENDING_REVIEW", "REJECTED"] as const)("shows a %s reply to its author, the mentor and supervisors only", (state) => {
    const may = (viewer: Viewer) => canSeeComment(viewer, held(state), caseOfA);
    expect(may(person("trainee", "AGENT", ["A"]))).toBe(true);
    expect(may(person("mentor", "AGENT", ["A"]))).toBe(true);
    expect(may(person("lead", "SUPERVISOR", ["A"]))).toBe(true);
    expect(may(person("boss", "MANAGER"))).toBe(true);
    expect(may(person("root", "ADMIN"))).toBe(true);
    expect(may(person("colleague", "AGENT", ["A"]))).toBe(false);
    expect(may(person("otherLead", "SUPERVISOR", ["B"]))).toBe(false);
    expect(may(token(["admin"]))).toBe(false);
    expect(may(token(["tickets:read"], ["A"]))).toBe(false);
    expect(canSeeComment(null, held(state), caseOfA)).toBe(false);
  });
});

describe("visibleCommentsWhere", () => {
  it("is canSeeComment as a condition", () => {
    const released = [{ reviewState: null }, { reviewState: "APPROVED" }];
    expect(visibleCommentsWhere(token(["admin"]))).toEqual({ OR: released });
    expect(visibleCommentsWhere(null)).toEqual({ OR: released });
    expect(visibleCommentsWhere(person("boss", "MANAGER"))).toEqual({});
    expect(visibleCommentsWhere(person("me", "AGENT", ["A"]))).toEqual({
      OR: [...released, { authorId: "me" }, { author: { mentorId: "me" } }],
    });
    expect(visibleCommentsWhere(person("lead", "SUPERVISOR", ["A", "B"]))).toEqual({
      OR: [...released, { authorId: "lead" }, { author: { mentorId: "lead" } }, { ticket: { teamId: { in: ["A", "B"] } } }],
    });
  });
});

describe("canSeeEvent", () => {
  it("shows an event about no reply to whoever sees the case", () => {
    expect(canSeeEvent(person("colleague", "AGENT", ["A"]), { comment: null }, caseOfA)).toBe(true);
    expect(canSeeEvent(token(["tickets:read"], ["A"]), { comment: null }, caseOfA)).toBe(true);
    // A live message from an instance of the previous release carries no comment facts.
    expect(canSeeEvent(person("colleague", "AGENT", ["A"]), {}, caseOfA)).toBe(true);
  });

  it.each(["PENDING_REVIEW", "REJECTED", "APPROVED"] as const)("shows an event about a %s reply to the reply's readers", (state) => {
    const viewers = [
      person("trainee", "AGENT", ["A"]),
      person("mentor", "AGENT", ["B"]),
      person("lead", "SUPERVISOR", ["A"]),
      person("colleague", "AGENT", ["A"]),
      person("otherLead", "SUPERVISOR", ["B"]),
      token(["tickets:read"], ["A"]),
      null,
    ];
    for (const viewer of viewers)
      expect(canSeeEvent(viewer, { comment: held(state) }, caseOfA)).toBe(canSeeComment(viewer, held(state), caseOfA));
    expect(canSeeEvent(person("colleague", "AGENT", ["A"]), { comment: held(state) }, caseOfA)).toBe(state === "APPROVED");
  });

  it("has a query form built from visibleCommentsWhere", () => {
    for (const viewer of [person("me", "AGENT", ["A"]), person("lead", "SUPERVISOR", ["A"]), token(["admin"]), null]) {
      expect(visibleEventsWhere(viewer)).toEqual({ OR: [{ commentId: null }, { comment: visibleCommentsWhere(viewer) }] });
    }
    // Managers read every comment, so every event.
    expect(visibleEventsWhere(person("boss", "MANAGER"))).toEqual({});
  });
});

describe("mayReviewReply", () => {
  it("lets the mentor and the team's supervisors decide, never the author, another agent or a token", () => {
    const may = (viewer: Viewer, facts = held()) => mayReviewReply(viewer, facts, caseOfA);
    expect(may(person("mentor", "AGENT", ["B"]))).toBe(true);
    expect(may(person("lead", "SUPERVISOR", ["A"]))).toBe(true);
    expect(may(person("boss", "MANAGER"))).toBe(true);
    expect(may(person("trainee", "AGENT", ["A"]))).toBe(false);
    // Even a supervisor under review does not approve their own reply.
    expect(may(person("trainee", "SUPERVISOR", ["A"]))).toBe(false);
    expect(may(person("colleague", "AGENT", ["A"]))).toBe(false);
    expect(may(person("otherLead", "SUPERVISOR", ["B"]))).toBe(false);
    expect(may(token(["admin"]))).toBe(false);
  });
});

describe("reviewableRepliesWhere", () => {
  it("is mayReviewReply as a condition, on cases the reviewer may see", () => {
    const held = { reviewState: "PENDING_REVIEW", authorId: { not: "me" } };
    expect(reviewableRepliesWhere(token(["admin"]))).toEqual({ id: { in: [] } });
    expect(reviewableRepliesWhere(person("me", "MANAGER"))).toEqual({ AND: [held, { ticket: {} }] });
    expect(reviewableRepliesWhere(person("me", "AGENT", ["A"]))).toEqual({
      AND: [
        held,
        { ticket: { OR: [{ teamId: { in: ["A"] } }, { assigneeId: "me" }, { submittedById: "me" }] } },
        { OR: [{ author: { mentorId: "me" } }] },
      ],
    });
    expect((reviewableRepliesWhere(person("me", "SUPERVISOR", ["A"])) as { AND: unknown[] }).AND.at(-1)).toEqual({
      OR: [{ author: { mentorId: "me" } }, { ticket: { teamId: { in: ["A"] } } }],
    });
  });
});

describe("mayMentor", () => {
  it("lets administrators and managers set anyone's mentor, supervisors their teams' members", () => {
    const traineeOfA = { teamIds: ["A"] };
    expect(mayMentor(person("root", "ADMIN"), traineeOfA)).toBe(true);
    expect(mayMentor(person("boss", "MANAGER"), traineeOfA)).toBe(true);
    expect(mayMentor(person("lead", "SUPERVISOR", ["A"]), traineeOfA)).toBe(true);
    expect(mayMentor(person("otherLead", "SUPERVISOR", ["B"]), traineeOfA)).toBe(false);
    expect(mayMentor(person("colleague", "AGENT", ["A"]), traineeOfA)).toBe(false);
    expect(mayMentor(token(["admin"]), traineeOfA)).toBe(false);
    expect(mayMentor(null, traineeOfA)).toBe(false);
  });
});

describe("receivesAlert for PEOPLE", () => {
  it("reaches the people named whatever their role, and managers and the team's tokens as every alert does", () => {
    expect(receivesAlert(person("mentor", "AGENT"), "PEOPLE", ["A"], ["mentor"])).toBe(true);
    expect(receivesAlert(person("colleague", "AGENT", ["A"]), "PEOPLE", ["A"], ["mentor"])).toBe(false);
    expect(receivesAlert(person("lead", "SUPERVISOR", ["A"]), "PEOPLE", ["A"], ["mentor"])).toBe(false);
    expect(receivesAlert(person("boss", "MANAGER"), "PEOPLE", ["A"], ["mentor"])).toBe(true);
  });
});
