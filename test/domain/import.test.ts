import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell } from "../../src/domain/csv.js";
import {
  IMPORT_FIELDS,
  isMaskedContact,
  keptNumber,
  mayImport,
  parseHeaderMapping,
  readRow,
  resolveColumns,
  rowCells,
} from "../../src/domain/import.js";
import { maskContact } from "../../src/domain/privacy.js";
import { ValidationError } from "../../src/errors.js";

const NOW = new Date("2026-12-02T12:00:00Z");

describe("header mapping", () => {
  it("maps file headers onto fields, and a mapped header wins over a field's own name", () => {
    const mapping = parseHeaderMapping("Subject=title, Opened = createdAt,Account=accountId");
    expect([...mapping]).toEqual([
      ["Subject", "title"],
      ["Opened", "createdAt"],
      ["Account", "accountId"],
    ]);
    const { columns, problems } = resolveColumns(["\ufeffSubject", "Opened", "Account", "status", "Notes"], mapping);
    expect(problems).toEqual([]);
    expect(columns).toEqual(["title", "createdAt", "accountId", "status", null]);
  });

  it("refuses a target that is no field, naming map", () => {
    expect(() => parseHeaderMapping("Subject=subject")).toThrow(ValidationError);
    expect(() => parseHeaderMapping("Subject")).toThrow(/map|<file header>=<field>/);
    try {
      parseHeaderMapping("=title");
    } catch (error) {
      expect((error as ValidationError).field).toBe("map");
    }
  });

  it("reports a missing required column, a field fed twice and a mapped header the file lacks", () => {
    const { problems } = resolveColumns(["title", "Subject"], parseHeaderMapping("Subject=title,Acct=accountId"));
    expect(problems.map((p) => p.field).sort()).toEqual(["accountId", "map", "title"]);
  });
});

describe("a row", () => {
  const columns = resolveColumns([...IMPORT_FIELDS], new Map()).columns;
  const row = (values: Partial<Record<(typeof IMPORT_FIELDS)[number], string>>) =>
    readRow(
      rowCells(
        columns,
        IMPORT_FIELDS.map((f) => values[f] ?? ""),
      ),
      NOW,
    );

  it("reads the export's cells, undoing the formula defusing", () => {
    const { input, facts, problems } = row({
      number: "WX-20231025-007",
      title: csvCell("=ACC-1 total"),
      accountId: "ACC-1",
      channel: "WECHAT",
      status: "TEAM_CHECKING",
      tags: "refund vip",
      createdAt: "2023-10-25T08:00:00.000Z",
      requesterContact: csvCell("+861****5678"),
    });
    expect(problems).toEqual([]);
    expect(input.title).toBe("=ACC-1 total");
    expect(input.tags).toEqual(["refund", "vip"]);
    expect(facts).toMatchObject({ channel: "WECHAT", status: "TEAM_CHECKING", number: "WX-20231025-007", maskedContact: "+861****5678" });
    expect(facts.createdAt?.toISOString()).toBe("2023-10-25T08:00:00.000Z");
    expect(facts.importKey).toBe("number:WX-20231025-007");
  });

  it("defaults channel, type, priority and status when their cells are empty", () => {
    const { input, facts } = row({ title: "ACC-1 x", accountId: "ACC-1", externalRef: "R-1" });
    expect(input).toMatchObject({ channel: "API", type: "INQUIRY", priority: "MEDIUM" });
    expect(facts.status).toBe("NEW");
    expect(facts.importKey).toBe("ref:R-1");
  });

  it("names each bad field", () => {
    const { problems } = row({
      title: "ACC-1 x",
      accountId: "ACC-1",
      status: "OPEN",
      priority: "URGENT",
      createdAt: "yesterday",
      doneAt: "2027-01-01T00:00:00Z",
      severity: "high",
    });
    expect(problems.map((p) => p.field).sort()).toEqual(
      ["doneAt", "doneAt", "externalRef", "priority", "severity", "status", "createdAt"].sort(),
    );
  });

  it("reads the practice column as the export writes it; empty is a real case, anything else is refused", () => {
    const base = { title: "ACC-1 x", accountId: "ACC-1", externalRef: "R" };
    for (const [cell, practice] of [
      ["true", true],
      ["TRUE", true],
      ["yes", true],
      ["1", true],
      ["false", false],
      ["No", false],
      ["", false],
    ] as const) {
      const { facts, problems } = row({ ...base, practice: cell });
      expect(problems).toEqual([]);
      expect(facts.practice).toBe(practice);
    }
    expect(row({ ...base, practice: "maybe" }).problems).toEqual([{ field: "practice", reason: '"maybe" is not true or false' }]);
  });

  it("refuses times before the creation", () => {
    const { problems } = row({
      title: "ACC-1 x",
      accountId: "ACC-1",
      externalRef: "R",
      status: "DONE",
      createdAt: "2024-01-02T00:00:00Z",
      doneAt: "2024-01-01T00:00:00Z",
    });
    expect(problems).toEqual([{ field: "doneAt", reason: "must not be before createdAt" }]);
  });
});

describe("numbers an import keeps", () => {
  it("keeps a well-formed number of the row's channel", () => {
    expect(keptNumber("WX-20231025-001", "WECHAT")).toEqual({ day: "20231025", sequence: 1 });
    expect(keptNumber("API-20240229-1234", "API")).toEqual({ day: "20240229", sequence: 1234 });
  });
  it("refuses another channel's prefix, a day that does not exist, a zero sequence, other shapes", () => {
    expect(keptNumber("WX-20231025-001", "API")).toHaveProperty("reason");
    expect(keptNumber("API-20230229-001", "API")).toHaveProperty("reason");
    expect(keptNumber("API-20231025-000", "API")).toHaveProperty("reason");
    expect(keptNumber("API-2023-10-25-001", "API")).toHaveProperty("reason");
    expect(keptNumber("API-20231025-01", "API")).toHaveProperty("reason");
  });
});

describe("masked contacts", () => {
  it("recognises every form maskContact gives", () => {
    const contacts = fc.oneof(
      fc.emailAddress(),
      fc.stringMatching(/^\+?\d{6,15}$/),
      fc.stringMatching(/^\d{1,4}$/).map((d) => `+${d}`),
    );
    fc.assert(fc.property(contacts, (contact) => isMaskedContact(maskContact(contact))));
  });
  it("does not take a real contact for a masked one", () => {
    for (const contact of ["jane@example.com", "+8613812345678", "13812345678", "a*b@example.com"]) {
      expect(isMaskedContact(contact)).toBe(false);
    }
  });
});

describe("who may import", () => {
  it("administrators and admin tokens only", () => {
    const user = (role: "ADMIN" | "MANAGER") => ({ kind: "user", userId: "u", role, teamIds: [], canViewContact: false }) as never;
    const token = (scopes: string[]) => ({ kind: "token", tokenId: "t", scopes, teamIds: [] }) as never;
    expect(mayImport(user("ADMIN"))).toBe(true);
    expect(mayImport(user("MANAGER"))).toBe(false);
    expect(mayImport(token(["admin"]))).toBe(true);
    expect(mayImport(token(["tickets:write"]))).toBe(false);
    expect(mayImport(null)).toBe(false);
  });
});
