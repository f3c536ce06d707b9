// A pino logger whose lines a test can read, and wait for, as they are written.
import pino, { type Logger } from "pino";

export interface CapturedLogs {
  logger: Logger;
  lines: Record<string, any>[];
  /** Resolves with the first line (already written or still to come) that matches. */
  next(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
}

export function captureLogs(level: pino.Level = "debug"): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const waiters = new Set<{ match: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }>();
  const logger = pino(
    { level },
    {
      write: (text: string) => {
        const line = JSON.parse(text);
        lines.push(line);
        for (const waiter of [...waiters]) {
          if (!waiter.match(line)) continue;
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      },
    },
  );
  return {
    logger,
    lines,
    next: (match, timeoutMs = 10_000) => {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (line: Record<string, any>) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no log line matched within ${timeoutMs} ms; lines: ${JSON.stringify(lines.slice(-10))}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
