// Input rules for writes, as zod schemas. GraphQL already checks types and enum values;
// these check what GraphQL cannot: lengths, formats, blank strings, ranges. Every
// problem becomes a ValidationError issue that names its input path. Free text is
// where personal data is kept out: every free-text field is a `freeText`.
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { passwordProblem } from "./passwords.js";
import { containsPersonalNumber, isEmail, isPhone, normaliseText, redact, redactAcross } from "./privacy.js";
import { MAX_TAGS } from "./tags.js";
import { titleProblem } from "./workflow.js";

/**
 * Parses one write's input. Its free-text fields are then also read together, so a
 * number split across two of them (title and description, say) is found too.
 * `alongside` are the stored texts of the same record that the write leaves as they
 * are: a reader sees them next to the new ones, so a number split between a new title
 * and the description already there is found as well (only the new piece is replaced;
 * the stored piece alone is no number).
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix = "input",
  alongside: readonly (string | null | undefined)[] = [],
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return redactedTogether(schema, parsed.data, alongside);
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  );
}

/** A trimmed string of bounded length that must not be blank: identifiers, not free text. */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

/** Text in its normalised form (see normaliseText), trimmed, bounded, not blank. */
const normalised = (max: number, min = 1) => z.string().transform(normaliseText).pipe(text(max, min));

/** The schemas that are free text, so a parsed input's free-text fields can be found. */
const FREE_TEXT = new WeakSet<z.ZodType>();

function redacting(schema: z.ZodType<string, string>) {
  const redacted = schema.transform((value) => redact(value).text);
  // Registered last: refining it further would make a copy this set does not know.
  FREE_TEXT.add(redacted);
  return redacted;
}

/**
 * Free text, as every write's text fields are: normalised, trimmed and bounded, then
 * with national ID numbers, card numbers and street addresses replaced by markers.
 * The limits apply to the text as sent, so redaction never makes it too long.
 */
export const freeText = (max: number, min = 1) => redacting(normalised(max, min));

/** Optional free text: omitted or null stays as it is; blank is refused. */
const optionalText = (max: number) => freeText(max).nullish();

/** Names shown as they are, where a marker has no place (tags, team names): an ID or card number is refused. */
const withoutPersonalNumbers = <T extends z.ZodType<string, string>>(schema: T) =>
  schema.refine((value) => !containsPersonalNumber(value), "must not contain a national ID or card number");

type Slot = { value: string; set(value: string): void };

/** The free-text values inside a parsed value, found by walking its schema alongside it. */
function freeTextSlots(schema: z.ZodType, value: unknown, set: (value: string) => void, slots: Slot[]): void {
  if (value === null || value === undefined) return;
  if (FREE_TEXT.has(schema)) {
    if (typeof value === "string") slots.push({ value, set });
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    freeTextSlots(schema.unwrap() as z.ZodType, value, set, slots);
  } else if (schema instanceof z.ZodPipe) {
    freeTextSlots((schema.out instanceof z.ZodTransform ? schema.in : schema.out) as z.ZodType, value, set, slots);
  } else if (schema instanceof z.ZodObject && typeof value === "object") {
    const object = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(schema.shape)) {
      freeTextSlots(field as z.ZodType, object[key], (next) => (object[key] = next), slots);
    }
  } else if (schema instanceof z.ZodArray && Array.isArray(value)) {
    for (const [i, item] of value.entries()) freeTextSlots(schema.element as z.ZodType, item, (next) => (value[i] = next), slots);
  }
}

function redactedTogether<T>(schema: z.ZodType, data: T, alongside: readonly (string | null | undefined)[]): T {
  const slots: Slot[] = [];
  freeTextSlots(schema, data, () => {}, slots);
  const stored = alongside.filter((text): text is string => typeof text === "string" && text !== "").map(normaliseText);
  if (!slots.length || slots.length + stored.length < 2) return data;
  const texts = redactAcross([...slots.map((slot) => slot.value), ...stored]);
  for (const [i, slot] of slots.entries()) if (texts[i] !== slot.value) slot.set(texts[i]!);
  return data;
}

export const tagName = withoutPersonalNumbers(
  z
    .string()
    .transform(normaliseText)
    .pipe(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u, "tags are 1-40 letters, digits, _ or -, starting with a letter or digit"),
    ),
);

export const tagList = z
  .array(tagName)
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);

const contact = z
  .string()
  .trim()
  .max(254, "must be at most 254 characters")
  .refine((v) => isEmail(v) || isPhone(v), "must be a phone number or an e-mail address");

export const requesterInput = z.object({
  name: optionalText(100),
  contact: contact.nullish(),
});

const attachment = z.object({
  name: freeText(255),
  kind: freeText(100),
  size: z
    .number()
    .int()
    .min(0, "must not be negative")
    .max(2 ** 31 - 1, "is too large"),
  url: redacting(normalised(2048).pipe(z.string().url("must be a URL"))).nullish(),
});

const ticketFields = {
  title: freeText(200, 3),
  accountId: text(64),
  externalRef: optionalText(128),
  subcategory: optionalText(64),
  severity: z.number().int().min(0, "must be from 0 to 4").max(4, "must be from 0 to 4").nullish(),
  description: optionalText(2000),
  details: optionalText(20000),
  requester: requesterInput.nullish(),
  dueAt: z.date().nullish(),
};

/** The title must name the customer's account so the case can be found from either. */
function titleNamesAccount(value: { title?: string | null; accountId?: string | null }, ctx: z.RefinementCtx) {
  const problem = value.title && value.accountId ? titleProblem(value.title, value.accountId) : null;
  if (problem) {
    ctx.addIssue({ code: "custom", path: ["title"], message: problem });
  }
}

export const createTicketInput = z
  .object({
    ...ticketFields,
    tags: tagList.nullish(),
    attachments: z.array(attachment).max(50, "at most 50 attachments").nullish(),
    idempotencyKey: text(128).nullish(),
  })
  .superRefine(titleNamesAccount);

export const updateTicketInput = z
  .object({
    title: ticketFields.title.nullish(),
    accountId: ticketFields.accountId.nullish(),
    externalRef: ticketFields.externalRef,
    subcategory: ticketFields.subcategory,
    severity: ticketFields.severity,
    description: ticketFields.description,
    details: ticketFields.details,
    requester: ticketFields.requester,
    dueAt: ticketFields.dueAt,
  })
  .passthrough();

export const commentBody = freeText(10000);
export const reason = freeText(2000);
export const resolution = freeText(5000);
export const note = freeText(10000);
/** Names and descriptions people give things: macros, rules, policies, calendars, tokens. */
export const label = freeText(100);
export const summary = freeText(5000);
export const descriptionText = freeText(500);
/** The texts of a move through the workflow, one input. */
export const transitionTexts = z.object({ note: note.nullish(), resolution: resolution.nullish(), breachReason: reason.nullish() });

export const email = z.string().trim().toLowerCase().max(254).refine(isEmail, "must be an e-mail address");
/** A new password, judged knowing what an attacker may know of its owner (e-mail, name). */
export const password = (personal: readonly (string | null | undefined)[]) =>
  z.string().superRefine((value, ctx) => {
    const problem = passwordProblem(value, personal);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export const personName = freeText(100);
export const teamName = withoutPersonalNumbers(
  z
    .string()
    .transform(normaliseText)
    .pipe(
      z
        .string()
        .trim()
        .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]{1,63}$/u, "must be 2-64 letters, digits, spaces, _ . or -"),
    ),
);
