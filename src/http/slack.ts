// Slack's requests: the `/case` slash command (POST /integrations/slack/commands) and
// button clicks (POST /integrations/slack/interactions), both form-encoded as Slack sends
// them. Every request's signature is checked first, on the raw body, against the signing
// secret and within five minutes of the app's clock (domain/slack.ts
// slackSignatureProblem): an unsigned, stale or tampered request gets 401 and nothing is
// read from it or done. Bodies are capped. What is done is done as the linked person
// (resolvers/slack/actions.ts); the answer is shown to the asker only. A click is
// acknowledged with an empty 200 at once and worked on afterwards, its outcome sent to the
// click's response_url (integrations/slack/respond.ts): Slack gives an interaction 3 s,
// and a click's write plus a Web API call can take longer. The slash command's answer is
// its response body, as Slack documents, so it is worked on before answering.
import type { Plugin } from "graphql-yoga";
import type { SlackConfig } from "../config.js";
import type { AppServices } from "../context.js";
import { slackLookupTimeoutMs, slackSignatureProblem } from "../domain/slack.js";
import { createSlackApi, type SlackApi, slackMemberEmail } from "../integrations/slack/api.js";
import { answerClick } from "../integrations/slack/respond.js";
import { CLICK_FAILED, clickButton, slashCommand } from "../resolvers/slack/actions.js";

export const SLACK_COMMANDS_PATH = "/integrations/slack/commands";
export const SLACK_INTERACTIONS_PATH = "/integrations/slack/interactions";
/** Slack's commands and clicks of our messages are a few kilobytes; anything far larger is not Slack's. */
export const SLACK_MAX_BODY_BYTES = 64 * 1024;

const text = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });

/** The body as bytes, or null past `max` (read no further). */
async function readCapped(request: Request, max: number): Promise<Buffer | null> {
  if (Number(request.headers.get("content-length") ?? 0) > max) return null;
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Clicks acknowledged and still being worked on: the server waits for them before it stops. */
export interface SlackClicks {
  /** Resolves once every click taken so far has been worked on and answered. */
  idle(): Promise<void>;
}

export function useSlack(services: AppServices, config: SlackConfig | null, api: SlackApi | null): { plugin: Plugin; clicks: SlackClicks } {
  const { logger } = services;
  const inFlight = new Set<Promise<void>>();
  const clicks: SlackClicks = {
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
  // users.info while Slack waits for the answer: a client of its own with a timeout inside Slack's 3 s.
  const lookupApi = config ? createSlackApi({ ...config, timeoutMs: slackLookupTimeoutMs(config.timeoutMs) }) : null;
  const plugin: Plugin = {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== SLACK_COMMANDS_PATH && url.pathname !== SLACK_INTERACTIONS_PATH) return;
      if (!config || !api || !lookupApi) return endResponse(text(404, "Slack is not configured on this server\n"));
      if (request.method !== "POST") return endResponse(text(405, "Use POST\n"));
      const body = await readCapped(request, SLACK_MAX_BODY_BYTES);
      if (!body) return endResponse(text(413, `The body may be at most ${SLACK_MAX_BODY_BYTES} bytes\n`));
      const problem = slackSignatureProblem({
        signingSecret: config.signingSecret,
        timestamp: request.headers.get("x-slack-request-timestamp"),
        signature: request.headers.get("x-slack-signature"),
        body,
        now: services.clock.now(),
      });
      if (problem) {
        logger.warn({ path: url.pathname, problem }, "refused a Slack request without a valid signature");
        return endResponse(text(401, "Invalid Slack signature\n"));
      }
      const form = new URLSearchParams(body.toString("utf8"));
      // A member linked to nobody yet is looked up by e-mail in Slack (resolvers/slack/actions.ts).
      const lookupEmail = (slackUserId: string) => slackMemberEmail(lookupApi, slackUserId);
      try {
        if (url.pathname === SLACK_COMMANDS_PATH) {
          const answer = await slashCommand(services, {
            slackUserId: form.get("user_id") ?? "",
            channelId: form.get("channel_id") ?? "",
            text: form.get("text") ?? "",
            lookupEmail,
          });
          return endResponse(json(answer));
        }
        const payload = parsePayload(form.get("payload"));
        if (!payload) return endResponse(text(400, "Expected a block_actions payload\n"));
        const work = (async () => {
          const text = await clickButton(services, { ...payload, lookupEmail }).catch((error: unknown) => {
            logger.error({ err: error, path: url.pathname }, "Slack click failed unexpectedly");
            return CLICK_FAILED;
          });
          await answerClick({ api, config, logger }, { ...payload, text });
        })()
          .catch((error: unknown) => logger.error({ err: error }, "could not answer a Slack click"))
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
        return endResponse(new Response(null, { status: 200 }));
      } catch (error) {
        logger.error({ err: error, path: url.pathname }, "Slack request failed unexpectedly");
        return endResponse(json({ response_type: "ephemeral", text: CLICK_FAILED }));
      }
    },
  };
  return { plugin, clicks };
}

interface ClickPayload {
  slackUserId: string;
  channelId: string | null;
  actionId: string;
  value: string;
  /** Where Slack takes the answer (checked before it is called: integrations/slack/respond.ts). */
  responseUrl: string | null;
}

function parsePayload(raw: string | null): ClickPayload | null {
  if (!raw) return null;
  let payload: {
    type?: unknown;
    user?: { id?: unknown };
    channel?: { id?: unknown };
    response_url?: unknown;
    actions?: { action_id?: unknown; value?: unknown }[];
  };
  try {
    payload = JSON.parse(raw);
  } catch {
    return null;
  }
  const action = Array.isArray(payload.actions) ? payload.actions[0] : undefined;
  if (payload.type !== "block_actions" || typeof payload.user?.id !== "string" || !action) return null;
  if (typeof action.action_id !== "string" || typeof action.value !== "string") return null;
  return {
    slackUserId: payload.user.id,
    channelId: typeof payload.channel?.id === "string" ? payload.channel.id : null,
    actionId: action.action_id,
    value: action.value,
    responseUrl: typeof payload.response_url === "string" ? payload.response_url : null,
  };
}
