// CPU time of another process (a server under load, PostgreSQL's backends), read from /proc.
import { readFileSync } from "node:fs";

/** Milliseconds per clock tick (CLK_TCK, 100 on Linux unless set otherwise). */
export const TICK_MS = 1000 / Number(process.env.CLK_TCK ?? 100);

/** utime + stime of a process in clock ticks (fields 14 and 15 of /proc/<pid>/stat); 0 once it has ended. */
export function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
