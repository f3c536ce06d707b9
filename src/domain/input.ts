// Input rules for writes, as zod schemas. GraphQL already checks types and enum values;
// these check what GraphQL cannot: lengths, formats, blank strings, ranges. Every
// problem becomes a ValidationError issue that names its input path.
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { passwordProblem } from "./passwords.js";
import { isEmail, isPhone } from "./privacy.js";

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix = "input"): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  );
}

/** A trimmed string of bounded length that must not be blank. */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

/** Optional text: omitted or null stays as it is; blank is refused. */
const optionalText = (max: number) => text(max).nullish();

export const tagName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u, "tags are 1-40 letters, digits, _ or -, starting with a letter or digit");

export const tagList = z.array(tagName).max(20, "at most 20 tags").transform((tags) => [...new Set(tags)]);

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
  name: text(255),
  kind: text(100),
  size: z.number().int().min(0, "must not be negative").max(2 ** 31 - 1, "is too large"),
  url: z.string().trim().url("must be a URL").max(2048).nullish(),
});

const ticketFields = {
  title: text(200, 3),
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
  if (value.title && value.accountId && !value.title.includes(value.accountId)) {
    ctx.addIssue({ code: "custom", path: ["title"], message: `must contain the account ID (${value.accountId})` });
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

export const commentBody = text(10000);
export const reason = text(2000);
export const resolution = text(5000);

export const email = z.string().trim().toLowerCase().max(254).refine(isEmail, "must be an e-mail address");
/** A new password, judged knowing what an attacker may know of its owner (e-mail, name). */
export const password = (personal: readonly (string | null | undefined)[]) =>
  z.string().superRefine((value, ctx) => {
    const problem = passwordProblem(value, personal);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export const personName = text(100);
export const teamName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _.-]{1,63}$/u, "must be 2-64 letters, digits, spaces, _ . or -");
