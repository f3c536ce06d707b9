// What the server knows about the request (or WebSocket operation) being served, kept in
// async-local storage so that every log line, error and span of that request can name it
// without threading it through every call. One record per HTTP request and one per
// graphql-ws operation; the access log is written from it when the work ends.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Viewer } from "../domain/access.js";

export type Transport = "http" | "sse" | "ws";

/** Which credential made the request: its kind and id, never a name or address. */
export interface CredentialRef {
  kind: "session" | "token";
  id: string;
}

export interface OperationRef {
  /** null for an anonymous operation. */
  name: string | null;
  type: string;
}

export interface RequestRecord {
  readonly id: string;
  transport: Transport;
  /** process.hrtime.bigint() when the request arrived. */
  readonly startedAt: bigint;
  /** Operations executed for the request (a batch has several), by name or null when anonymous. */
  operations: readonly OperationRef[];
  credential: CredentialRef | null;
  /**
   * Codes of the errors answered (each once), for the access log. An array, not a Set: a
   * request answers few codes, and an empty array costs a subscription that stays open for
   * hours a fifth of an empty Set.
   */
  readonly errorCodes: string[];
}

const storage = new AsyncLocalStorage<RequestRecord>();

/**
 * A request id the client sent is kept when it is a plausible id (letters, digits and
 * `._:-`, at most 128), so a proxy's or caller's id follows the request through our logs;
 * anything else could forge log lines or carry personal data, and gets a fresh UUID.
 */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,128}$/.test(header) ? header : newRequestId();
}

/**
 * A fresh UUID as one flat string. Node builds randomUUID()'s text by concatenating its
 * pieces, and V8 keeps that as a rope of about thirty strings (≈ 1 KiB); a graphql-ws
 * subscription keeps its request id for as long as it is open, so each idle subscriber
 * would carry the rope. Copying it through a buffer leaves one 36-byte string.
 */
function newRequestId(): string {
  return Buffer.from(randomUUID(), "latin1").toString("latin1");
}

export function newRequestRecord(id: string, transport: Transport): RequestRecord {
  return { id, transport, startedAt: process.hrtime.bigint(), operations: [], credential: null, errorCodes: [] };
}

export function runInRequest<T>(record: RequestRecord, work: () => T): T {
  return storage.run(record, work);
}

/** The record of the request being served, or undefined outside one (the SLA monitor, start-up). */
export function currentRequest(): RequestRecord | undefined {
  return storage.getStore();
}

export function credentialOf(viewer: Viewer | null): CredentialRef | null {
  if (!viewer) return null;
  return viewer.kind === "token" ? { kind: "token", id: viewer.tokenId } : { kind: "session", id: viewer.sessionId };
}

/** Seconds since `start`, a process.hrtime.bigint() reading (a request's startedAt, say). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
