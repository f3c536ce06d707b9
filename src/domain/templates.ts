// Message templates: `{{customer.name}}` and friends. Unknown placeholders are refused
// when a template is saved, so a reply never goes out with a hole in it.

export const PLACEHOLDERS = {
  "customer.name": "The customer's name (or their account ID when no name is known).",
  "customer.accountId": "The customer's account ID.",
  "ticket.number": "The case number, e.g. WX-20231025-001.",
  "ticket.title": "The case title.",
  "ticket.status": "The case status.",
  "ticket.priority": "The case priority.",
  "ticket.dueAt": "When the customer will have an answer (UTC), or empty.",
  "agent.name": "The person applying the template, or empty for automatic replies.",
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;

const PATTERN = /\{\{\s*([\w.]+)\s*\}\}/g;

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1]!);
}

export function unknownPlaceholders(template: string): string[] {
  return [...new Set(placeholdersIn(template).filter((name) => !(name in PLACEHOLDERS)))];
}

export function renderTemplate(template: string, values: Partial<Record<Placeholder, string | null | undefined>>): string {
  return template.replace(PATTERN, (_match, name: string) => values[name as Placeholder] ?? "");
}
