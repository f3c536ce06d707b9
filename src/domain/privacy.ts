// Personal data rules: contact data is shown masked to whoever lacks the permission,
// and identity numbers, bank cards and street addresses never enter free text.

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

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// PRC resident identity number: region, birth date, sequence, check character.
const NATIONAL_ID = /(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g;
// 13-19 digits, optionally grouped by spaces or dashes; only Luhn-valid runs are cards.
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const STREET_EN =
  /\b\d{1,5}\s+(?:[A-Z][A-Za-z'-]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Square|Sq)\b\.?(?:,?\s*(?:Apt|Suite|Unit|Flat)\.?\s*\w+)?/g;
const STREET_ZH =
  /[\u4e00-\u9fa5]{0,12}(?:省|市|区|县|镇)?[\u4e00-\u9fa5]{1,12}(?:路|街|大道|巷|弄|胡同)\d{1,5}(?:号|號)(?:[\u4e00-\u9fa5\d-]{0,12}(?:室|楼|樓|栋|棟|单元|層|层))?/g;

export type RedactionKind = "NATIONAL_ID" | "BANK_CARD" | "ADDRESS";

export interface Redacted {
  text: string;
  /** What was removed, for the audit trail; never the removed values. */
  kinds: RedactionKind[];
}

export function redact(input: string): Redacted {
  const kinds = new Set<RedactionKind>();
  let text = input.replace(NATIONAL_ID, () => {
    kinds.add("NATIONAL_ID");
    return "[REDACTED NATIONAL ID]";
  });
  text = text.replace(CARD_CANDIDATE, (match) => {
    if (!luhnValid(match.replace(/\D/g, ""))) return match;
    kinds.add("BANK_CARD");
    return "[REDACTED CARD NUMBER]";
  });
  for (const pattern of [STREET_EN, STREET_ZH]) {
    text = text.replace(pattern, () => {
      kinds.add("ADDRESS");
      return "[REDACTED ADDRESS]";
    });
  }
  return { text, kinds: [...kinds] };
}
