import { describe, expect, it } from "vitest";
import { escalationFor, TOP_TIER } from "../../src/domain/escalation.js";
import type { SlaKind } from "../../src/domain/sla.js";
import type { Priority, TicketType } from "../../src/generated/prisma/enums.js";

const KINDS: SlaKind[] = ["FIRST_RESPONSE", "RESOLUTION", "FOLLOW_UP"];
const PRIORITIES: Priority[] = ["HIGH", "MEDIUM", "LOW"];
const TYPES: TicketType[] = ["INQUIRY", "COMPLAINT", "SUGGESTION", "TECHNICAL_FAULT"];

describe("escalationFor: a breached target", () => {
  it("escalates one tier only when a HIGH case misses its resolution target", () => {
    for (const target of KINDS) {
      for (const priority of PRIORITIES) {
        const escalation = escalationFor({ kind: "slaBreach", target, priority }, 1);
        if (target === "RESOLUTION" && priority === "HIGH") {
          expect(escalation).toEqual({ levels: 1, reason: "Automatic: a HIGH case missed its resolution target" });
        } else {
          expect(escalation, `${target} ${priority}`).toBeNull();
        }
      }
    }
  });
});

describe("escalationFor: a new case", () => {
  it("escalates one tier a complaint from an account that complained before, and nothing else", () => {
    for (const type of TYPES) {
      expect(escalationFor({ kind: "created", type, earlierOfType: 0 }, 1)).toBeNull();
      const repeat = escalationFor({ kind: "created", type, earlierOfType: 3 }, 1);
      expect(repeat === null, type).toBe(type !== "COMPLAINT");
    }
    expect(escalationFor({ kind: "created", type: "COMPLAINT", earlierOfType: 1 }, null)).toEqual({
      levels: 1,
      reason: "Automatic: a repeat complaint from this customer",
    });
  });
});

describe("escalationFor: the top tier", () => {
  it("never goes past L4, and escalates a case below it or without a tier", () => {
    const breach = { kind: "slaBreach", target: "RESOLUTION", priority: "HIGH" } as const;
    const complaint = { kind: "created", type: "COMPLAINT", earlierOfType: 2 } as const;
    expect(TOP_TIER).toBe(4);
    for (const level of [null, 1, 2, 3]) {
      expect(escalationFor(breach, level)).not.toBeNull();
      expect(escalationFor(complaint, level)).not.toBeNull();
    }
    for (const level of [4, 5]) {
      expect(escalationFor(breach, level)).toBeNull();
      expect(escalationFor(complaint, level)).toBeNull();
    }
  });
});
