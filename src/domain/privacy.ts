// Personal data rules: contact data is shown masked to whoever lacks the permission,
// and identity numbers, bank cards and street addresses never enter free text.
//
// Numbers are looked for in the normalised text (NFKC, invisible format characters
// removed, odd spaces made plain), so full-width digits, zero-width characters and
// no-break spaces cannot disguise them; the normalised text is also what is stored.

/** `13812345678` → `138****5678`; `jane@example.com` → `j***@example.com`. */
export function maskContact(contact: string): string {
  const value = contact.trim();
  const at = value.lastIndexOf("@");
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  const digits = value.replace(/\D/g, "");
  const plus = value.startsWith("+") ? "+" : "";
  if (digits.length >= 11) return `${plus}${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length > 4) return `${plus}${"*".repeat(digits.length - 4)}${digits.slice(-4)}`;
  return "****";
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

export function isPhone(value: string): boolean {
  return /^\+?[\d\s()-]{6,20}$/.test(value) && value.replace(/\D/g, "").length >= 6;
}

// ─── normalisation ──────────────────────────────────────────────────────────

const FORMAT = /\p{Cf}/gu;
const JOINER = "\u200d";
const NON_JOINER = "\u200c";
const PICTOGRAPH = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F/u;
const LETTER = /\p{L}/u;

/**
 * The form free text is checked and stored in: NFKC (full-width and other compatibility
 * forms become plain ones), format characters removed, every space a plain space and
 * every line break a newline. Two format characters stay where they carry meaning and
 * can never touch a digit: the joiner inside emoji sequences and the non-joiner between
 * letters (Persian, Indic scripts).
 */
export function normaliseText(input: string): string {
  const text = input.normalize("NFKC");
  return text
    .replace(FORMAT, (ch, at: number) => {
      const before = text.slice(Math.max(0, at - 2), at);
      const after = text.slice(at + ch.length, at + ch.length + 2);
      const lastBefore = [...before].pop() ?? "";
      const firstAfter = [...after][0] ?? "";
      if (ch === JOINER && PICTOGRAPH.test(lastBefore) && PICTOGRAPH.test(firstAfter)) return ch;
      if (ch === NON_JOINER && LETTER.test(lastBefore) && LETTER.test(firstAfter)) return ch;
      return "";
    })
    .replace(/\p{Zs}/gu, " ")
    .replace(/[\u2028\u2029\u0085\v\f]/g, "\n");
}

// ─── finding ID and card numbers ────────────────────────────────────────────

/** Characters that may stand between the digits of one number, at most MAX_GAP of them in a row. */
const SEPARATOR = /[\s\p{Pd}._·•/]/u;
const MAX_GAP = 3;
const MARK = /\p{M}/u;
const DECIMAL = /\p{Nd}/u;
/** The check character 10 of an ID, also in the Cyrillic and Greek letters that look like X. */
const CHECK_X = /[XxХхΧχ]/u;

/** A digit's value in any script: decimal digits are encoded in runs of ten, 0 to 9. */
function digitValue(ch: string): number | null {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (!DECIMAL.test(ch)) return null;
  let zero = cp;
  while (zero > 0 && DECIMAL.test(String.fromCodePoint(zero - 1))) zero--;
  return (cp - zero) % 10;
}

interface Digit {
  value: number;
  /** Where the digit (with any combining marks on it) stands in the text. */
  start: number;
  end: number;
  /** Separators stand before it: it begins a group, like 6222 in `4111 6222`. */
  groupStart: boolean;
}

/** Digits joined by at most MAX_GAP separators: one number as a person would read it. */
interface DigitRun {
  digits: Digit[];
  /** Whether the last digit ends a group (false for a piece cut out of a longer run). */
  closed: boolean;
  /** An X after the last digit: an ID's check character. */
  checkX?: { start: number; end: number };
}

function digitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let run: DigitRun | null = null;
  let gap = 0;
  for (let at = 0; at < text.length; ) {
    const ch = String.fromCodePoint(text.codePointAt(at)!);
    const next = at + ch.length;
    const value = digitValue(ch);
    if (value !== null) {
      if (run && gap <= MAX_GAP) {
        run.digits.push({ value, start: at, end: next, groupStart: gap > 0 });
      } else {
        run = { digits: [{ value, start: at, end: next, groupStart: true }], closed: true };
        runs.push(run);
      }
      gap = 0;
    } else if (MARK.test(ch)) {
      if (run && gap === 0) run.digits[run.digits.length - 1]!.end = next;
    } else if (run && SEPARATOR.test(ch)) {
      gap += 1;
      if (gap > MAX_GAP) run = null;
    } else {
      // `…231X`, or `…231 X` where the X stands alone rather than starting a word.
      const nextIsLetter = LETTER.test(String.fromCodePoint(text.codePointAt(next) ?? 0x20));
      if (run && gap <= MAX_GAP && CHECK_X.test(ch) && (gap === 0 || !nextIsLetter)) run.checkX = { start: at, end: next };
      run = null;
    }
    at = next;
  }
  return runs;
}

export type RedactionKind = "NATIONAL_ID" | "BANK_CARD" | "ADDRESS";

interface Found {
  kind: "NATIONAL_ID" | "BANK_CARD";
  /** Index of the first digit and one past the last one in the run. */
  from: number;
  to: number;
  /** The ID's check character is the X after the run. */
  withX: boolean;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** ISO 7064 MOD 11-2, the check character of a PRC resident identity number (10 is X). */
export function nationalIdCheck(first17: readonly number[]): number {
  const sum = first17.reduce((total, digit, i) => total + digit * ID_WEIGHTS[i]!, 0);
  return (12 - (sum % 11)) % 11;
}

function isBirthDate(d: readonly number[]): boolean {
  const year = d[0]! * 1000 + d[1]! * 100 + d[2]! * 10 + d[3]!;
  const month = d[4]! * 10 + d[5]!;
  const day = d[6]! * 10 + d[7]!;
  if (year < 1800 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function luhnValid(digits: readonly number[]): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * PRC resident identity numbers in a run: region (first digit 1-9), a real birth date,
 * sequence and check character. One that stands on its own (whole groups of the run)
 * is found by its shape alone, so a mistyped check character still hides it; one glued
 * to further digits must also have the right check character, which keeps long order
 * or tracking numbers from being cut up at every position.
 */
function nationalIds(run: DigitRun): Found[] {
  const { digits } = run;
  const values = digits.map((d) => d.value);
  const found: Found[] = [];
  for (let from = 0; from + 17 <= digits.length; from++) {
    const withX = from + 17 === digits.length && run.checkX !== undefined;
    if (from + 18 > digits.length && !withX) continue;
    const to = withX ? from + 17 : from + 18;
    const first17 = values.slice(from, from + 17);
    if (first17[0] === 0 || !isBirthDate(first17.slice(6, 14))) continue;
    const check = withX ? 10 : values[from + 17]!;
    const standsAlone = digits[from]!.groupStart && (withX || (to === digits.length ? run.closed : digits[to]!.groupStart));
    if (standsAlone || nationalIdCheck(first17) === check) found.push({ kind: "NATIONAL_ID", from, to, withX });
  }
  return found;
}

/**
 * Luhn-valid numbers of 13-19 digits made of whole groups of the run: `4111 1111 1111
 * 1111` inside `call 020 4111 1111 1111 1111` is found, but a card glued to further
 * digits without a separator is not, since one in ten digit strings passes Luhn.
 */
function cardNumbers(run: DigitRun): Found[] {
  const { digits } = run;
  const starts = digits.flatMap((d, i) => (d.groupStart ? [i] : []));
  const endsGroup = (to: number) => (to === digits.length ? run.closed : digits[to]!.groupStart);
  const found: Found[] = [];
  for (const from of starts) {
    for (let to = from + 13; to <= Math.min(from + 19, digits.length); to++) {
      if (!endsGroup(to)) continue;
      if (luhnValid(digits.slice(from, to).map((d) => d.value))) found.push({ kind: "BANK_CARD", from, to, withX: false });
    }
  }
  return found;
}

function numbersIn(run: DigitRun): Found[] {
  return run.digits.length < 13 ? [] : [...nationalIds(run), ...cardNumbers(run)];
}

interface Span {
  start: number;
  end: number;
  kind: RedactionKind;
}

function spanOf(run: DigitRun, found: Found): Span {
  const end = found.withX ? run.checkX!.end : run.digits[found.to - 1]!.end;
  return { start: run.digits[found.from]!.start, end, kind: found.kind };
}

/** Overlapping finds become one marker; an ID names it over a card it overlaps. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      if (span.kind === "NATIONAL_ID") last.kind = span.kind;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

const MARKERS: Record<RedactionKind, string> = {
  NATIONAL_ID: "[REDACTED NATIONAL ID]",
  BANK_CARD: "[REDACTED CARD NUMBER]",
  ADDRESS: "[REDACTED ADDRESS]",
};

function replaceSpans(text: string, spans: Span[]): string {
  let result = text;
  for (const span of merge(spans).reverse()) result = result.slice(0, span.start) + MARKERS[span.kind] + result.slice(span.end);
  return result;
}

/** The ID and card numbers in already normalised text, where they stand. */
function personalNumbers(text: string): Span[] {
  return digitRuns(text).flatMap((run) => numbersIn(run).map((found) => spanOf(run, found)));
}

/** Whether the text holds an ID or card number (for names that cannot carry a redaction marker, like tags). */
export function containsPersonalNumber(input: string): boolean {
  return personalNumbers(normaliseText(input)).length > 0;
}

// ─── redaction ──────────────────────────────────────────────────────────────

const STREET_EN =
  /\b\d{1,5}\s+(?:[A-Z][A-Za-z'-]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Square|Sq)\b\.?(?:,?\s*(?:Apt|Suite|Unit|Flat)\.?\s*\w+)?/g;
const STREET_ZH =
  /[\u4e00-\u9fa5]{0,12}(?:省|市|区|县|镇)?[\u4e00-\u9fa5]{1,12}(?:路|街|大道|巷|弄|胡同)\d{1,5}(?:号|號)(?:[\u4e00-\u9fa5\d-]{0,12}(?:室|楼|樓|栋|棟|单元|層|层))?/g;

export interface Redacted {
  text: string;
  /** What was removed, for the audit trail; never the removed values. */
  kinds: RedactionKind[];
}

/** The normalised text with national ID numbers, card numbers and street addresses replaced by markers. */
export function redact(input: string): Redacted {
  const normalised = normaliseText(input);
  const numbers = personalNumbers(normalised);
  const kinds = new Set<RedactionKind>(numbers.map((s) => s.kind));
  let text = replaceSpans(normalised, numbers);
  for (const pattern of [STREET_EN, STREET_ZH]) {
    text = text.replace(pattern, () => {
      kinds.add("ADDRESS");
      return MARKERS.ADDRESS;
    });
  }
  return { text, kinds: [...kinds] };
}

// ─── one write's fields together ────────────────────────────────────────────

/** A number can only span a field boundary within this many digits on either side. */
const EDGE_DIGITS = 18;

interface Edge {
  field: number;
  digits: Digit[];
  /** For a head: whether its last digit ends a group of the text. */
  closed: boolean;
  checkX?: { start: number; end: number };
}

/** Only separators (and marks), at most MAX_GAP of them, between a run and the text's edge. */
function touches(text: string, from: number, to: number): boolean {
  let gap = 0;
  for (const ch of text.slice(from, to)) {
    if (MARK.test(ch)) continue;
    if (!SEPARATOR.test(ch)) return false;
    gap += 1;
  }
  return gap <= MAX_GAP;
}

/** The last digits of a text that ends in a number, and the first digits of one that starts with one. */
function edges(text: string, field: number): { tail?: Edge; head?: Edge } {
  const runs = digitRuns(text);
  const last = runs[runs.length - 1];
  const first = runs[0];
  const result: { tail?: Edge; head?: Edge } = {};
  if (last && !last.checkX && touches(text, last.digits[last.digits.length - 1]!.end, text.length)) {
    result.tail = { field, digits: last.digits.slice(-EDGE_DIGITS), closed: true };
  }
  if (first && touches(text, 0, first.digits[0]!.start)) {
    const whole = first.digits.length <= EDGE_DIGITS;
    const digits = first.digits.slice(0, EDGE_DIGITS);
    result.head = {
      field,
      digits,
      closed: whole ? first.closed : first.digits[EDGE_DIGITS]!.groupStart,
      ...(whole && first.checkX ? { checkX: first.checkX } : {}),
    };
  }
  return result;
}

/**
 * One write's free-text fields read together: a number whose first part ends one field
 * and whose rest starts another (in either order; only separators, at most MAX_GAP on
 * each side, between each piece and its field's edge) is found, and each piece is
 * replaced by a marker in its own field. Texts must already be normalised and redacted
 * one by one.
 */
export function redactAcross(texts: readonly string[]): string[] {
  const found = texts.map(() => [] as Span[]);
  const ends = texts.map((text, field) => edges(text, field));
  for (const { tail } of ends) {
    if (!tail) continue;
    for (const { head } of ends) {
      if (!head || head.field === tail.field) continue;
      // The field boundary separates groups: the head's first digit begins one.
      const digits = [...tail.digits, ...head.digits];
      const run: DigitRun = { digits, closed: head.closed, ...(head.checkX ? { checkX: head.checkX } : {}) };
      const split = tail.digits.length;
      for (const number of numbersIn(run)) {
        if (number.from >= split || number.to <= split) continue;
        found[tail.field]!.push({ start: digits[number.from]!.start, end: digits[split - 1]!.end, kind: number.kind });
        const end = number.withX ? head.checkX!.end : digits[number.to - 1]!.end;
        found[head.field]!.push({ start: digits[split]!.start, end, kind: number.kind });
      }
    }
  }
  return texts.map((text, i) => (found[i]!.length ? replaceSpans(text, found[i]!) : text));
}

// ─── the audit trail ────────────────────────────────────────────────────────

/** The kinds of redaction markers the stored texts carry, for an audit event's `redacted`. */
export function redactionsIn(...texts: (string | null | undefined)[]): { redacted?: RedactionKind[] } {
  const kinds = (Object.keys(MARKERS) as RedactionKind[]).filter((kind) => texts.some((t) => t?.includes(MARKERS[kind])));
  return kinds.length ? { redacted: kinds.sort() } : {};
}
