// The client's address, one rule for every road (HTTP, SSE, graphql-ws, the export): the
// TCP peer, or, when that peer is a reverse proxy the operator trusts (TRUSTED_PROXIES),
// the address that proxy reports in X-Forwarded-For. Only trusted hops are believed, so
// a client cannot pick a fresh rate-limit bucket by writing the header itself; behind an
// untrusted proxy every client would share the proxy's bucket instead.
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

export type AddressOf = (request: Pick<IncomingMessage, "socket" | "headers"> | undefined) => string;

/** Checks a TRUSTED_PROXIES list (addresses, CIDR ranges, or loopback/linklocal/uniquelocal). */
export function trustedProxiesProblem(list: readonly string[]): string | null {
  try {
    proxyAddr.compile([...list]);
    return null;
  } catch (error) {
    return `TRUSTED_PROXIES: ${(error as Error).message}`;
  }
}

export function clientAddresses(trustedProxies: readonly string[]): AddressOf {
  if (!trustedProxies.length) return (request) => request?.socket?.remoteAddress ?? "unknown";
  const trust = proxyAddr.compile([...trustedProxies]);
  return (request) => (request?.socket?.remoteAddress ? proxyAddr(request as IncomingMessage, trust) : "unknown");
}
