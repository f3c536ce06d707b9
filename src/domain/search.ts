// What a person types into a search box is text, not a pattern: to the database `%`
// and `_` are LIKE wildcards and `\` is LIKE's escape character (Prisma's contains and
// startsWith pass the text into a LIKE pattern as it is).

/** The text as a LIKE pattern that matches exactly that text, for contains/startsWith/endsWith. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}
