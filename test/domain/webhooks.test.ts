import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { Viewer } from "../../src/domain/access.js";
import {
  endpointUrlProblem,
  failedTooLong,
  formatSecret,
  managesWebhookTeams,
  mayManageWebhooks,
  nextAttemptAt,
  nonPublicAddressKind,
  RETRY_WINDOW_MS,
  retryAfterMs,
  retryDelayMs,
  signatureBase,
  signatureHeader,
  signingSecrets,
  webhookEventOfIncidentUpdate,
  webhookEventOfTicketEvent,
} from "../../src/domain/webhooks.js";

describe("event types", () => {
  it("maps the audit trail's events and incident entries, and nothing else", () => {
    expect(webhookEventOfTicketEvent("CREATED")).toBe("TICKET_CREATED");
    expect(webhookEventOfTicketEvent("STATUS_CHANGED")).toBe("TICKET_STATUS_CHANGED");
    expect(webhookEventOfTicketEvent("COMMENTED")).toBe("COMMENT_ADDED");
    expect(webhookEventOfTicketEvent("SLA_BREACHED")).toBe("SLA_BREACH");
    expect(webhookEventOfTicketEvent("TAGGED")).toBeNull();
    expect(webhookEventOfIncidentUpdate("DECLARED")).toBe("INCIDENT_DECLARED");
    expect(webhookEventOfIncidentUpdate("RESOLVED")).toBe("INCIDENT_RESOLVED");
    expect(webhookEventOfIncidentUpdate("UPDATE")).toBeNull();
  });
});

describe("signatures", () => {
  it("signs `id.timestamp.body` so the Standard Webhooks verifier accepts it", () => {
    const secret = formatSecret(randomBytes(32));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const body = JSON.stringify({ type: "TICKET_CREATED", timestamp: new Date().toISOString(), data: {} });
    const timestamp = Math.floor(Date.now() / 1000);
    expect(signatureBase("msg_1", timestamp, body)).toBe(`msg_1.${timestamp}.${body}`);
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signatureHeader([secret], "msg_1", timestamp, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(formatSecret(randomBytes(32))).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it("signs with both secrets during a rotation's overlap, then with the new one only", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const until = new Date("2026-01-02T00:00:00Z");
    expect(signingSecrets("new", "old", until, now)).toEqual(["new", "old"]);
    expect(signingSecrets("new", "old", until, until)).toEqual(["new"]);
    expect(signingSecrets("new", null, null, now)).toEqual(["new"]);
    expect(signatureHeader([formatSecret(randomBytes(24)), formatSecret(randomBytes(24))], "m", 1, "{}").split(" ")).toHaveLength(2);
  });
});

describe("retries", () => {
  it("doubles from 10 s to at most 4 h, spread by ±20 %", () => {
    expect(retryDelayMs(1, 0.5)).toBe(10_000);
    expect(retryDelayMs(2, 0.5)).toBe(20_000);
    expect(retryDelayMs(1, 0)).toBe(8_000);
    expect(retryDelayMs(1, 0.999999)).toBeCloseTo(12_000, -1);
    expect(retryDelayMs(30, 0.5)).toBe(4 * 3600_000);
  });

  it("keeps retrying until the window of at least 24 h has passed, the last time at its end", () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const expiresAt = new Date(start.getTime() + RETRY_WINDOW_MS);
    let now = start;
    let attempt = 0;
    const times: Date[] = [];
    for (;;) {
      attempt++;
      const next = nextAttemptAt({ now, attempt, expiresAt, retryAfterMs: null, random: 0.5 });
      if (!next) break;
      times.push(next);
      now = next;
    }
    expect(RETRY_WINDOW_MS).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(times.at(-1)).toEqual(expiresAt);
    expect(times.length).toBeGreaterThan(10);
    // A failure just before the end still gets its last try at the end; at the end, none.
    const last = { attempt: 20, expiresAt, retryAfterMs: null, random: 0.5 };
    expect(nextAttemptAt({ ...last, now: new Date(expiresAt.getTime() - 1000) })).toEqual(expiresAt);
    expect(nextAttemptAt({ ...last, now: expiresAt })).toBeNull();
  });

  it("honours Retry-After in seconds and as a date, at least one second", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(new Date(now.getTime() + 60_000).toUTCString(), now)).toBe(60_000);
    expect(retryAfterMs("soon", now)).toBeNull();
    const expiresAt = new Date(now.getTime() + RETRY_WINDOW_MS);
    expect(nextAttemptAt({ now, attempt: 1, expiresAt, retryAfterMs: 3600_000, random: 0.5 })).toEqual(new Date(now.getTime() + 3600_000));
    expect(nextAttemptAt({ now, attempt: 1, expiresAt, retryAfterMs: 0, random: 0.5 })).toEqual(new Date(now.getTime() + 1000));
  });

  it("disables only after failing for the whole configured time", () => {
    const since = new Date("2026-01-01T00:00:00Z");
    expect(failedTooLong(null, since, 1000)).toBe(false);
    expect(failedTooLong(since, new Date(since.getTime() + 999), 1000)).toBe(false);
    expect(failedTooLong(since, new Date(since.getTime() + 1000), 1000)).toBe(true);
  });
});

describe("addresses", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["192.168.0.1", "private"],
    ["172.16.5.5", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.100.100.200", "carrierGradeNat"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::1", "loopback"],
    ["fe80::1", "linkLocal"],
    ["fd00:ec2::254", "uniqueLocal"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:169.254.169.254", "linkLocal"],
  ])("refuses %s (%s)", (address, kind) => {
    expect(nonPublicAddressKind(address)).toBe(kind);
  });

  it.each(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34"])("allows public %s", (address) => {
    expect(nonPublicAddressKind(address)).toBeNull();
  });

  it("accepts only http(s) URLs without credentials", () => {
    expect(endpointUrlProblem("https://hooks.example.com/caseflow")).toBeNull();
    expect(endpointUrlProblem("ftp://example.com/")).toMatch(/http/);
    expect(endpointUrlProblem("file:///etc/passwd")).toMatch(/http/);
    expect(endpointUrlProblem("https://user:pw@example.com/")).toMatch(/password/);
    expect(endpointUrlProblem("not a url")).toMatch(/not a URL/);
  });

  it("refuses this machine and literal inside addresses by name, unless private networks are allowed", () => {
    for (const url of [
      "http://localhost/",
      "http://LOCALHOST.:8080/",
      "http://api.localhost/",
      "http://127.0.0.1/",
      "http://0x7f.1/",
      "http://2130706433/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://10.0.0.1/",
      "http://172.16.0.1/",
      "http://192.168.0.1/",
      "http://169.254.169.254/",
      "http://[fe80::1]/",
      "http://[fd00:ec2::254]/",
      "http://0.0.0.0/",
    ]) {
      expect(endpointUrlProblem(url), url).toMatch(/localhost|address/);
      expect(endpointUrlProblem(url, true), url).toBeNull();
    }
    for (const url of ["https://93.184.216.34/hook", "https://[2606:2800:220:1:248:1893:25c8:1946]/", "https://localhost.example.com/"]) {
      expect(endpointUrlProblem(url), url).toBeNull();
    }
  });
});

describe("who manages endpoints", () => {
  const user = (role: "AGENT" | "ADMIN"): Viewer => ({
    kind: "user",
    userId: "u",
    sessionId: "s",
    role,
    teamIds: ["a"],
    canViewContact: false,
  });
  const token = (scopes: Viewer & { kind: "token" } extends { scopes: infer S } ? S : never, teamIds: string[]): Viewer => ({
    kind: "token",
    tokenId: "t",
    scopes,
    teamIds,
  });

  it("administrators and webhooks:manage tokens within their teams", () => {
    expect(mayManageWebhooks(user("ADMIN"))).toBe(true);
    expect(mayManageWebhooks(user("AGENT"))).toBe(false);
    expect(mayManageWebhooks(token(["tickets:write"], []))).toBe(false);
    expect(managesWebhookTeams(token(["webhooks:manage"], ["a"]), ["a"])).toBe(true);
    expect(managesWebhookTeams(token(["webhooks:manage"], ["a"]), ["a", "b"])).toBe(false);
    expect(managesWebhookTeams(token(["webhooks:manage"], []), ["b"])).toBe(true);
    expect(managesWebhookTeams(user("ADMIN"), ["z"])).toBe(true);
  });
});
