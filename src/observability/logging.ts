// Every log line written while a request is served names its request id, whichever
// module writes it, so one grep finds all a request did.
import type { Logger } from "pino";
import { currentRequest } from "./request-context.js";

export function withRequestIds(logger: Logger): Logger {
  return logger.child(
    {},
    {
      formatters: {
        log: (object) => {
          const record = currentRequest();
          return record && !("requestId" in object) ? { requestId: record.id, ...object } : object;
        },
      },
    },
  );
}
