// Case numbers: <CHANNEL>-<YYYYMMDD>-<NNN>, e.g. WX-20231025-001. The sequence restarts
// per channel and day; the counter itself lives in the database (TicketSequence).
import type { Channel } from "../generated/prisma/enums.js";

export const CHANNEL_PREFIX: Record<Channel, string> = {
  WEB: "WEB",
  APP: "APP",
  WECHAT: "WX",
  WEIBO: "WB",
  MINI_PROGRAM: "MP",
  EMAIL: "EML",
  CHAT: "CHT",
  PHONE: "TEL",
  SLACK: "SLK",
  API: "API",
};

/** The calendar day of `at` in `timeZone`, as YYYYMMDD. */
export function numberingDay(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part("year")}${part("month")}${part("day")}`;
}

/** Three digits at least; a busy day simply grows a fourth. */
export function formatTicketNumber(channel: Channel, day: string, sequence: number): string {
  return `${CHANNEL_PREFIX[channel]}-${day}-${String(sequence).padStart(3, "0")}`;
}
