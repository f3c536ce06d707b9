import { describe, expect, it } from "vitest";
import { maskContact, redact } from "../../src/domain/privacy.js";
import { formatTicketNumber, numberingDay } from "../../src/domain/numbering.js";

describe("contact masking", () => {
  it("masks phones and e-mails as the domain shows them", () => {
    expect(maskContact("13812345678")).toBe("138****5678");
    expect(maskContact("+86 138-1234-5678")).toBe("+861****5678");
    expect(maskContact("jane.doe@example.com")).toBe("j***@example.com");
    expect(maskContact("123")).toBe("****");
  });
});

describe("redaction", () => {
  it("removes national ID numbers, Luhn-valid card numbers and street addresses", () => {
    const { text, kinds } = redact(
      "身份证 110105199003072316, card 4111 1111 1111 1111, lives at 221 Baker Street, 北京市朝阳区建国路88号 phone 13812345678",
    );
    expect(text).not.toMatch(/110105199003072316|4111|Baker|建国路/);
    expect(text).toMatch(/\[REDACTED NATIONAL ID\]/);
    expect(text).toMatch(/\[REDACTED CARD NUMBER\]/);
    expect(text.match(/\[REDACTED ADDRESS\]/g)).toHaveLength(2);
    expect(text).toMatch(/13812345678/); // a phone number is not a card
    expect(kinds.sort()).toEqual(["ADDRESS", "BANK_CARD", "NATIONAL_ID"]);
  });

  it("leaves order numbers that fail the card checksum alone", () => {
    expect(redact("order 1234567890123 failed").text).toBe("order 1234567890123 failed");
    expect(redact("nothing personal here")).toEqual({ text: "nothing personal here", kinds: [] });
  });
});

describe("numbering", () => {
  it("formats <CHANNEL>-<YYYYMMDD>-<NNN> in the configured zone", () => {
    const lateUtc = new Date("2023-10-24T17:30:00Z");
    expect(numberingDay(lateUtc, "UTC")).toBe("20231024");
    expect(numberingDay(lateUtc, "Asia/Shanghai")).toBe("20231025");
    expect(formatTicketNumber("WECHAT", "20231025", 1)).toBe("WX-20231025-001");
    expect(formatTicketNumber("EMAIL", "20231025", 1234)).toBe("EML-20231025-1234");
  });
});
