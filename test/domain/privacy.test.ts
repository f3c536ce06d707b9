import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTicketNumber, numberingDay } from "../../src/domain/numbering.js";
import {
  containsPersonalNumber,
  maskContact,
  nationalIdCheck,
  normaliseText,
  redact,
  redactAcross,
  redactionsIn,
} from "../../src/domain/privacy.js";
import { digitFreeText, digitsIn, disguised, glue, personalNumber } from "../helpers/personal-numbers.js";

describe("contact masking", () => {
  it("masks phones and e-mails as the domain shows them", () => {
    expect(maskContact("13812345678")).toBe("138****5678");
    expect(maskContact("+86 138-1234-5678")).toBe("+861****5678");
    expect(maskContact("jane.doe@example.com")).toBe("j***@example.com");
    expect(maskContact("123")).toBe("****");
  });
});

describe("normalisation", () => {
  it("folds compatibility forms, removes invisible format characters and makes spaces plain", () => {
    expect(normaliseText("ＡＢＣ１２３")).toBe("ABC123");
    expect(normaliseText("a\u200bb\u2060c\ufeffd\u00ade\u202ef")).toBe("abcdef");
    expect(normaliseText("a\u00a0b\u3000c\u202fd")).toBe("a b c d");
    expect(normaliseText("line\u2028next")).toBe("line\nnext");
  });

  it("keeps the joiner inside emoji and the non-joiner between letters, where they carry meaning", () => {
    expect(normaliseText("👨\u200d👩\u200d👧")).toBe("👨\u200d👩\u200d👧");
    expect(normaliseText("می\u200cخواهم")).toBe("می\u200cخواهم");
    expect(normaliseText("4\u200d1\u200c1")).toBe("411");
  });
});

describe("redaction", () => {
  it("removes national ID numbers, Luhn-valid card numbers and street addresses", () => {
    const { text, kinds } = redact(
      "身份证 110105199003072311, card 4111 1111 1111 1111, lives at 221 Baker Street, 北京市朝阳区建国路88号 phone 13812345678",
    );
    expect(text).not.toMatch(/110105199003072311|4111|Baker|建国路/);
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

  it("finds the forms an adversarial review used to slip numbers through", () => {
    const cases = [
      "card ６２２２ ０２０２ ００００ ００００ ０１４",
      "card 4111\u00a01111\u00a01111\u00a01111",
      "card 4111\u200b1111\u200b1111\u200b1111",
      "card 4111  1111  1111  1111",
      "card 4111.1111.1111.1111",
      "card 4111 - 1111 – 1111 — 1111",
      "card-4111111111111111",
      "ID110101199003077778",
      "ID 110101 19900307 7778",
      "ID 110101-19900307-7778",
      "身份证11010519900307231X号",
      "身份证 11010519900307231 X",
      "card ٤١١١ ١١١١ ١١١١ ١١١١",
    ];
    for (const input of cases) {
      const { text } = redact(input);
      expect(text, input).toMatch(/\[REDACTED (NATIONAL ID|CARD NUMBER)\]/);
      expect(digitsIn(text), input).toBe("");
    }
  });

  it("validates the check character only where an ID is glued to further digits", () => {
    expect(nationalIdCheck([1, 1, 0, 1, 0, 5, 1, 9, 9, 0, 0, 3, 0, 7, 2, 3, 1])).toBe(1);
    // Standing alone, a mistyped check character does not hide the 17 digits before it.
    expect(redact("ID 110105199003072316").text).toBe("ID [REDACTED NATIONAL ID]");
    // Glued to more digits, only a right check character makes it an ID.
    expect(redact("ref 9110105199003072311").text).toBe("ref 9[REDACTED NATIONAL ID]");
    expect(redact("ref 9110105199003072316").text).toBe("ref 9110105199003072316");
    // No real birth date, no ID.
    expect(redact("ref 110105199013072311").text).toBe("ref 110105199013072311");
  });

  it("keeps the text around a number readable: normalised, with only the number replaced", () => {
    expect(redact("Ｃａｒｄ\u00a04111 1111 1111 1111\u200b, thanks 🙏").text).toBe("Card [REDACTED CARD NUMBER], thanks 🙏");
  });

  it("lets no disguised ID or card number through (property)", () => {
    fc.assert(
      fc.property(
        personalNumber.chain((n) => fc.tuple(fc.constant(n), disguised(n.digits))),
        digitFreeText,
        glue,
        glue,
        digitFreeText,
        ([number, written], before, left, right, after) => {
          const { text, kinds } = redact(before + left + written + right + after);
          expect(digitsIn(text)).toBe("");
          expect(kinds.some((k) => k === "NATIONAL_ID" || k === "BANK_CARD")).toBe(true);
          if (number.kind === "NATIONAL_ID") expect(kinds).toContain("NATIONAL_ID");
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("changes nothing but the normal form of text without long numbers (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 999_999 }), { maxLength: 4 }),
        (words, numbers) => {
          const input = `${words} ${numbers.join(" x ")}`;
          fc.pre(!/\d{1,5}\s+\p{Lu}|[路街巷弄]/u.test(normaliseText(input))); // no address shapes
          expect(redact(input).text).toBe(normaliseText(input));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("a write's fields together", () => {
  it("finds a number split across two fields, in either order, and removes each piece", () => {
    expect(redactAcross(["Card 4111 1111", "1111 1111 charged twice", "nothing"])).toEqual([
      "Card [REDACTED CARD NUMBER]",
      "[REDACTED CARD NUMBER] charged twice",
      "nothing",
    ]);
    expect(redactAcross(["0307231X was given", "ACC-1 ID 1101051990"])).toEqual([
      "[REDACTED NATIONAL ID] was given",
      "ACC-1 ID [REDACTED NATIONAL ID]",
    ]);
  });

  it("leaves fields alone whose numbers do not meet at an edge", () => {
    const fields = ["ACC-1 card 4111 1111 (see below)", "then 1111 1111 was charged", "ticket 1234 5678"];
    expect(redactAcross(fields)).toEqual(fields);
  });

  it("lets no number split across fields through (property)", () => {
    fc.assert(
      fc.property(
        personalNumber.chain((n) =>
          fc
            .integer({ min: 1, max: n.digits.filter((d) => d < 10).length - 1 })
            .chain((cut) => fc.tuple(disguised(n.digits.slice(0, cut)), disguised(n.digits.slice(cut)))),
        ),
        digitFreeText,
        digitFreeText,
        glue,
        glue,
        fc.boolean(),
        fc.array(digitFreeText, { maxLength: 2 }),
        ([head, tail], before, after, left, right, reversed, others) => {
          // A piece that is a number by itself is removed on its own (the rest then is no number).
          fc.pre(!containsPersonalNumber(head) && !containsPersonalNumber(tail));
          const first = redact(before + left + head).text;
          const second = redact(tail + right + after).text;
          const fields = reversed ? [second, ...others, first] : [first, ...others, second];
          const result = redactAcross(fields);
          expect(result.map(digitsIn).join("")).toBe("");
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("what may not carry a marker", () => {
  it("tells whether a name holds an ID or card number, however written", () => {
    expect(containsPersonalNumber("vip")).toBe(false);
    expect(containsPersonalNumber("order-20240101")).toBe(false);
    expect(containsPersonalNumber("card-4111-1111-1111-1111")).toBe(true);
    expect(containsPersonalNumber("id１１０１０１１９９００３０７７７７８")).toBe(true);
  });
});

describe("the audit trail", () => {
  it("names the kinds of redaction the stored texts carry, never their values", () => {
    expect(redactionsIn("plain", null, undefined)).toEqual({});
    expect(redactionsIn("a [REDACTED CARD NUMBER]", "b [REDACTED NATIONAL ID]")).toEqual({ redacted: ["BANK_CARD", "NATIONAL_ID"] });
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
