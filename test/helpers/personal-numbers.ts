// Generators of personal numbers in disguise, for property-based tests of redaction:
// valid PRC national ID numbers and Luhn-valid card numbers, written with any
// separators, digits of other widths and scripts, invisible characters, glued to words.
import fc from "fast-check";
import { luhnValid, nationalIdCheck, normaliseText } from "../../src/domain/privacy.js";

const digit = fc.integer({ min: 0, max: 9 });

/** 18 characters: region, a real birth date, sequence, and the right check character (10 is X). */
export const nationalId = fc
  .record({
    region: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(digit, { minLength: 5, maxLength: 5 })),
    born: fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
    sequence: fc.array(digit, { minLength: 3, maxLength: 3 }),
  })
  .map(({ region, born, sequence }) => {
    const date = born.toISOString().slice(0, 10).replace(/-/g, "");
    const first17 = [region[0], ...region[1], ...[...date].map(Number), ...sequence];
    return [...first17, nationalIdCheck(first17)];
  });

/** 13-19 digits whose last one makes the Luhn check pass. */
export const cardNumber = fc.integer({ min: 13, max: 19 }).chain((length) =>
  fc.array(digit, { minLength: length - 1, maxLength: length - 1 }).map((body) => {
    const check = [...Array(10).keys()].find((d) => luhnValid([...body, d]))!;
    return [...body, check];
  }),
);

export const personalNumber = fc.oneof(
  nationalId.map((digits) => ({ kind: "NATIONAL_ID" as const, digits })),
  cardNumber.map((digits) => ({ kind: "BANK_CARD" as const, digits })),
);

const ZEROS = ["0", "０", "٠", "۰", "०", "০", "๐", "𝟎", "𝟘"];
const X_FORMS = ["X", "x", "Ｘ", "ｘ", "Х", "х"];
const SEPARATORS = [" ", "\u00a0", "\u3000", "\u202f", "\u2009", "-", "‐", "–", "—", "－", ".", "．", "·", "_", "/", "\n", "\t"];
const INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u2066"];
const WORDS = ["", "ID", "id:", "card-", "Card ", "no.", "卡号", "身份证", "acct", "x"];

/** One digit in any of several scripts and widths. */
const digitForm = (value: number) => fc.constantFrom(...ZEROS).map((zero) => String.fromCodePoint(zero.codePointAt(0)! + value));
/** What stands between two digits: up to three separators, any number of invisible characters. */
const gap = fc
  .tuple(fc.array(fc.constantFrom(...SEPARATORS), { maxLength: 3 }), fc.array(fc.constantFrom(...INVISIBLE), { maxLength: 2 }))
  .chain(([separators, invisible]) =>
    fc.shuffledSubarray([...separators, ...invisible], { minLength: separators.length + invisible.length }),
  )
  .map((chars) => chars.join(""));

/** The number as a person might disguise it; `withSpaces` false keeps it one unbroken string (for tags). */
export function disguised(digits: readonly number[], withSpaces = true): fc.Arbitrary<string> {
  const parts = digits.map((value, i) =>
    value === 10
      ? fc.constantFrom(...X_FORMS)
      : i === 0
        ? digitForm(value)
        : fc.tuple(withSpaces ? gap : fc.constantFrom("", "-", "_"), digitForm(value)).map(([g, d]) => g + d),
  );
  return fc.tuple(...parts).map((pieces) => pieces.join(""));
}

/** Text with no digits in it, even after normalisation (so any digit left over came from the number). */
export const digitFreeText = fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !/[\p{Nd}XxХхΧχ]/u.test(normaliseText(s)));

/** A word the number is glued to, or a space, on each side. */
export const glue = fc.constantFrom(...WORDS, " ", "(", ": ");

/** Digits of any script left in a text, as plain digits. */
export function digitsIn(text: string): string {
  return [...normaliseText(text)].filter((ch) => /\p{Nd}/u.test(ch)).join("");
}
