// Grouped subscription execution. Subscribers who send the same live-only document with
// the same variables and hold the same permissions get the same results, so each event
// is executed and serialized once per group, and the one JSON text goes to every member,
// instead of executing and serializing once per subscriber. A member leaves without
// disturbing the others, and its stream ends on its own when its credentials are revoked.
import { type ExecutionArgs, type ExecutionResult, GraphQLError, getOperationAST, Kind, print } from "graphql";
import type { Context } from "../context.js";
import { hasRole, type Viewer } from "../domain/access.js";
import type { CredentialWatch } from "./credentials.js";
import type { SendSerialized } from "./frames.js";

/**
 * Root fields whose streams are purely live: what a subscriber receives does not depend
 * on when it joined. (liveMetrics starts with a snapshot and ticketEvents(after:) with a
 * replay; those run per subscriber.)
 */
const GROUPABLE = new Set(["ticketEvents", "slaAlerts", "alerts", "incidentEvents"]);

type Subscribe = (
  args: ExecutionArgs,
) => Promise<AsyncIterable<ExecutionResult> | ExecutionResult> | AsyncIterable<ExecutionResult> | ExecutionResult;

interface Member {
  send: SendSerialized;
  end: (error?: unknown) => void;
}

interface Group {
  /**
   * The group's key in `groups`. Members reach it through the group rather than holding
   * their own copy: the key is a few hundred bytes, kept for as long as each member is.
   */
  key: string;
  members: Set<Member>;
  /** The shared stream has finished; a late joiner ends at once instead of waiting forever. */
  ended: boolean;
  /** The shared stream, or the error result every member of the group gets. */
  started: Promise<AsyncIterator<ExecutionResult> | ExecutionResult>;
}

/**
 * What decides a subscriber's results besides the document: role, teams, scopes,
 * contact permission, joined swarms, and who they are where visibility depends on it
 * (agents and supervisors also see the cases they submitted or are assigned).
 */
export function permissionKey(viewer: Viewer | null): string {
  if (!viewer) return "anonymous";
  if (viewer.kind === "token") return JSON.stringify(["token", [...viewer.scopes].sort(), [...viewer.teamIds].sort()]);
  return JSON.stringify([
    "user",
    viewer.role,
    [...viewer.teamIds].sort(),
    viewer.canViewContact,
    [...(viewer.swarmTicketIds ?? [])].sort(),
    hasRole(viewer, "MANAGER") ? null : viewer.userId,
  ]);
}

/** The group's own viewer: the members' permissions, credentials that no revocation names. */
function groupViewer(viewer: Viewer): Viewer {
  if (viewer.kind === "token") return { ...viewer, tokenId: "group" };
  return { ...viewer, sessionId: "group", userId: hasRole(viewer, "MANAGER") ? "group" : viewer.userId };
}

export class SubscriptionGroups {
  private readonly groups = new Map<string, Group>();
  private readonly everyone = new Set<Member>();

  /** Members and groups now, for tests and metrics. */
  get size() {
    return { groups: this.groups.size, members: this.everyone.size };
  }

  /**
   * Subscribes through a group when the operation allows it, else on its own. A grouped
   * subscriber's results go out through `send`; the stream returned to the transport then
   * yields nothing and only ends (client's complete, the end of its credentials, the
   * shared stream's end).
   */
  subscribe(args: ExecutionArgs, subscribe: Subscribe, send: SendSerialized): ReturnType<Subscribe> {
    const ctx = args.contextValue as Context;
    const operation = getOperationAST(args.document, args.operationName);
    const fields = operation?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD) ?? [];
    const field = fields.length === 1 && fields[0]!.kind === Kind.FIELD ? fields[0] : null;
    if (!ctx?.viewer || !field || !GROUPABLE.has(field.name.value) || field.arguments?.some((a) => a.name.value === "after")) {
      return subscribe(args);
    }
    const key = JSON.stringify([print(args.document), args.operationName ?? null, args.variableValues ?? {}, permissionKey(ctx.viewer)]);
    let group = this.groups.get(key);
    if (!group) {
      // Members' credentials end their own membership, never the group's stream.
      const shared = { ...args, contextValue: { ...ctx, viewer: groupViewer(ctx.viewer), credentialsExpireAt: null } };
      const created: Group = {
        key,
        members: new Set(),
        ended: false,
        started: Promise.resolve(subscribe(shared)).then((result) => {
          if (!(Symbol.asyncIterator in (result as object))) {
            this.groups.delete(key); // an error result is not kept: the next subscriber tries again
            return result as ExecutionResult;
          }
          const iterator = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
          void this.pump(created, iterator);
          return iterator;
        }),
      };
      group = created;
      this.groups.set(key, group);
    }
    const credentials = { viewer: ctx.viewer, expiresAt: ctx.credentialsExpireAt };
    const joined = this.join(group, ctx.credentialWatch, credentials, send);
    // The transport keeps a member's ExecutionArgs for as long as it is subscribed (graphql-ws
    // holds them until the subscription ends) but never executes them again: the group does.
    // Letting go of their context (with the request, parameters and every service) and their
    // enveloped root leaves an idle member holding only its membership.
    args.contextValue = undefined;
    args.rootValue = undefined;
    return joined;
  }

  private async join(
    group: Group,
    credentialWatch: CredentialWatch,
    credentials: Parameters<CredentialWatch["watch"]>[0],
    send: SendSerialized,
  ): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const started = await group.started;
    if (!("next" in started)) return started;
    const member: Member = { send, end: (error) => stream.end(error) };
    let unwatch = () => {};
    const stream = new MemberStream(() => {
      unwatch();
      group.members.delete(member);
      this.everyone.delete(member);
      if (group.members.size === 0 && this.groups.get(group.key) === group) {
        this.groups.delete(group.key);
        // Nobody waits on the shared stream's cleanup; a failure of it must not become an
        // unhandled rejection, which would end the process.
        started.return?.().catch(() => {});
      }
    });
    if (group.ended) {
      stream.end();
      return stream;
    }
    group.members.add(member);
    this.everyone.add(member);
    unwatch = credentialWatch.watch(credentials, (error) => stream.end(error));
    return stream;
  }

  /** Executes and serializes each event once and sends the same text to every member. */
  private async pump(group: Group, iterator: AsyncIterator<ExecutionResult>) {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const json = Buffer.from(JSON.stringify(next.value));
        for (const member of group.members) member.send(json);
      }
      group.ended = true;
      for (const member of group.members) member.end();
    } catch (error) {
      group.ended = true;
      for (const member of group.members) member.end(error instanceof GraphQLError ? error : new GraphQLError("The live stream failed"));
    } finally {
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    }
  }

  close() {
    for (const member of this.everyone) member.end();
  }
}

/**
 * A grouped member's stream as the transport sees it: it yields nothing (the group writes
 * the member's results itself) and ends once, by the client's complete (`return`), by its
 * credentials' end or the shared stream's failure (`end(error)`: the pending `next`
 * rejects with it, and the transport sends it as the operation's error), or by the shared
 * stream's end. An idle member waits in one pending `next`; a Repeater here kept a dozen
 * promises, arrays and closures for each of thousands of idle members.
 */
class MemberStream implements AsyncIterableIterator<ExecutionResult> {
  private waiting: { resolve: (result: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | null = null;
  private ended = false;
  /** The error to give the next `next` when the stream ended with one before it was asked. */
  private failure: { error: unknown } | null = null;

  constructor(private readonly onEnd: () => void) {}

  [Symbol.asyncIterator]() {
    return this;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Ends the stream (with `error`, if given) and the membership; later calls do nothing. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    const waiting = this.waiting;
    this.waiting = null;
    if (error === undefined) waiting?.resolve({ done: true, value: undefined });
    else if (waiting) waiting.reject(error);
    else this.failure = { error };
  }
}
