// A real local HTTP server standing in for Slack's Web API, reached through the official
// @slack/web-api client (SLACK_API_URL points here). It answers as Slack documents:
// chat.postMessage ({ ok, channel, ts }), chat.postEphemeral ({ ok, message_ts }),
// conversations.create ({ ok, channel: { id, name } }), other conversations.* ({ ok }),
// users.info ({ ok, user: { id, deleted, is_bot, profile: { email } } } for a known member,
// { ok: false, error: "user_not_found" } otherwise: https://api.slack.com/methods/users.info).
// It also takes clicks' answers at /actions/… as Slack's response_url does (JSON, recorded
// as method "response_url", answered 200 "ok"). Queued answers replace the next calls'
// answers (errors, 429s). hold() stands in for Slack
// being slow or hung: requests are taken and never answered until release().
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ApiCall {
  method: string;
  authorization: string | undefined;
  args: Record<string, any>;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

/** A Slack member as users.info tells of them. */
export interface SlackMember {
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
}

export class SlackStandIn {
  readonly calls: ApiCall[] = [];
  /** Answers for the next calls, in order; then Slack's ok answer. */
  readonly answers: Answer[] = [];
  /** The workspace's members by id, for users.info. */
  readonly members = new Map<string, SlackMember>();
  private server!: Server;
  /** Requests taken and not answered while holding (hold()), in arrival order. */
  private readonly held: { method: string; args: Record<string, any>; res: ServerResponse }[] = [];
  private holding = false;
  private heldWaiters: { count: number; resolve: () => void }[] = [];
  private ts = 1_700_000_000;
  port = 0;

  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const isResponseUrl = (req.url ?? "").startsWith("/actions/");
        const args: Record<string, any> = isResponseUrl ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
        if (args.blocks && typeof args.blocks === "string") args.blocks = JSON.parse(args.blocks);
        const method = isResponseUrl ? "response_url" : (req.url ?? "").replace(/^\/api\//, "");
        this.calls.push({ method, authorization: req.headers.authorization, args });
        if (this.holding) {
          this.held.push({ method, args, res });
          for (const waiter of this.heldWaiters.filter((w) => this.held.length >= w.count)) waiter.resolve();
          this.heldWaiters = this.heldWaiters.filter((w) => this.held.length < w.count);
          return;
        }
        const answer = this.answers.shift();
        if (answer) {
          res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(JSON.stringify(answer.body ?? {}));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.answer(method, args)));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get apiUrl() {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url as a click carries it, on this stand-in (the origin of SLACK_API_URL). */
  responseUrl(id = "1") {
    return `http://127.0.0.1:${this.port}/actions/${id}`;
  }

  private answer(method: string, args: Record<string, any>) {
    if (method === "response_url") return { ok: true };
    const ts = `${++this.ts}.000100`;
    if (method === "chat.postEphemeral") return { ok: true, message_ts: ts };
    if (method === "conversations.create") return { ok: true, channel: { id: `C0ROOM${this.ts}`, name: args.name } };
    if (method.startsWith("conversations.")) return { ok: true };
    if (method === "users.info") {
      const member = this.members.get(args.user);
      if (!member) return { ok: false, error: "user_not_found" };
      return {
        ok: true,
        user: {
          id: args.user,
          name: args.user.toLowerCase(),
          deleted: member.deleted ?? false,
          is_bot: member.isBot ?? false,
          profile: { real_name: args.user, ...(member.email ? { email: member.email } : {}) },
        },
      };
    }
    return { ok: true, channel: args.channel, ts };
  }

  /** From now on every request is taken and left unanswered, as a hung Slack would, until release(). */
  hold() {
    this.holding = true;
  }

  /** The methods of the requests held open now. */
  heldOpen(): string[] {
    return this.held.map((h) => h.method);
  }

  /** Resolves once `count` requests are held open (by their arrival, not by waiting a while). */
  whenHolding(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  /** Stops holding and answers every held request with `answer` (Slack's ok answer when none). */
  release(answer?: Answer) {
    this.holding = false;
    for (const { method, args, res } of this.held.splice(0)) {
      if (answer)
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(JSON.stringify(answer.body ?? {}));
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.answer(method, args)));
    }
  }

  posts(channel?: string) {
    return this.calls.filter((c) => c.method === "chat.postMessage" && (!channel || c.args.channel === channel));
  }

  ephemerals() {
    return this.calls.filter((c) => c.method === "chat.postEphemeral");
  }

  /** Clicks' answers POSTed to a response_url. */
  responses() {
    return this.calls.filter((c) => c.method === "response_url");
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
