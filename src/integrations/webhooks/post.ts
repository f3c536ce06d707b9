// One HTTP attempt at a webhook endpoint. The address is checked after DNS, and the
// connection goes to the address that was checked: the request's own `lookup` resolves
// the name, refuses non-public answers and hands Node exactly the address it approved, so
// a name that resolves differently a moment later (DNS rebinding) cannot slip past.
// Redirects are never followed; a 3xx is a failed attempt.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { nonPublicAddressKind } from "../../domain/webhooks.js";
import type { AttemptResult } from "../outbox.js";

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}

class RefusedAddress extends Error {}

const refusal = (host: string, kind: string) =>
  new RefusedAddress(`refused: ${host} resolves to a ${kind} address; only public addresses are called`);

/** All the addresses of a name, as dns.lookup with `all: true` gives them. */
export type ResolveAll = (
  hostname: string,
  options: { all: true; family?: number | "IPv4" | "IPv6" },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * dns.lookup that answers only public addresses (or any, when private networks are
 * allowed): every address the name has must pass, and the one handed to Node, which it
 * connects to, is one of those checked. `resolve` is the system resolver but in tests.
 */
export function checkedLookup(allowPrivateNetworks: boolean, resolve: ResolveAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, family: options.family }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      if (!addresses.length) return callback(new Error(`${hostname} has no address`), "", 0);
      if (!allowPrivateNetworks) {
        // Every answer must be public: one private answer means the name can point inside.
        for (const { address } of addresses) {
          const kind = nonPublicAddressKind(address);
          if (kind) return callback(refusal(hostname, kind), "", 0);
        }
      }
      const chosen = addresses[0]!;
      // Node asks for all addresses when it tries families in turn (autoSelectFamily).
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
      else callback(null, chosen.address, chosen.family);
    });
  };
}

const failed = (error: string, extra: Partial<AttemptResult> = {}): AttemptResult => ({
  ok: false,
  statusCode: null,
  latencyMs: null,
  error,
  retryAfter: null,
  ...extra,
});

export function postWebhook(options: PostOptions): Promise<AttemptResult> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return Promise.resolve(failed("refused: not a URL"));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.resolve(failed("refused: only http and https are called"));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // A literal address is connected to without a lookup, so it is checked here.
  if (isIP(host) && !options.allowPrivateNetworks) {
    const kind = nonPublicAddressKind(host);
    if (kind) return Promise.resolve(failed(refusal(host, kind).message));
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": Buffer.byteLength(options.body).toString() },
        lookup: checkedLookup(options.allowPrivateNetworks),
        // A fresh connection per attempt, so every attempt's address is looked up and checked.
        agent: false,
      },
      (res: IncomingMessage) => {
        const statusCode = res.statusCode ?? 0;
        const retryAfter = typeof res.headers["retry-after"] === "string" ? res.headers["retry-after"] : null;
        // The body is read (and dropped) so the attempt ends when the answer does.
        res.on("data", () => {});
        res.on("error", () => finish(failed("the response was cut off", { statusCode, latencyMs: latency() })));
        res.on("end", () => {
          const base = { statusCode, latencyMs: latency(), retryAfter };
          if (statusCode >= 200 && statusCode < 300) finish({ ok: true, error: null, ...base });
          else if (statusCode >= 300 && statusCode < 400)
            finish({ ok: false, error: `answered ${statusCode}; redirects are not followed`, ...base });
          else finish({ ok: false, error: `answered ${statusCode}`, ...base });
        });
      },
    );
    const timer = setTimeout(() => {
      finish(failed(`no answer within ${options.timeoutMs} ms`, { latencyMs: latency() }));
      req.destroy();
    }, options.timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) => {
      finish(
        failed(error instanceof RefusedAddress ? error.message : `could not connect (${error.code ?? "network error"})`, {
          latencyMs: latency(),
        }),
      );
    });
    req.end(options.body);
  });
}
