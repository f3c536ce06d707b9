// Tells a Slack member how their click went, after the click was acknowledged: Slack wants
// the acknowledgement within 3 s and shows nothing of its body, so the outcome goes to the
// click's `response_url` as Slack documents (an ephemeral message, the original left as
// it is). The URL is called only on Slack's origin (domain/slack.ts
// slackResponseUrlCall), through the webhooks' guarded POST (integrations/webhooks/
// post.ts: public addresses after DNS, no redirects, a timeout). Without a usable
// response_url, or when it fails, chat.postEphemeral in the click's channel says it.
import type { Logger } from "pino";
import type { SlackConfig } from "../../config.js";
import { slackResponseUrlCall } from "../../domain/slack.js";
import { postWebhook } from "../webhooks/post.js";
import type { SlackApi } from "./api.js";

export interface ClickAnswer {
  responseUrl: string | null;
  channelId: string | null;
  slackUserId: string;
  text: string;
}

export async function answerClick(deps: { api: SlackApi; config: SlackConfig; logger: Logger }, answer: ClickAnswer): Promise<void> {
  const { api, config, logger } = deps;
  if (answer.responseUrl) {
    const call = slackResponseUrlCall(answer.responseUrl, config.apiUrl);
    if (call.problem !== null) {
      logger.warn({ problem: call.problem }, "a signed Slack click named a response_url off Slack's origin; not called");
    } else {
      const result = await postWebhook({
        url: answer.responseUrl,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text: answer.text }),
        timeoutMs: config.timeoutMs,
        allowPrivateNetworks: call.allowPrivateNetworks,
      });
      if (result.ok) return;
      logger.warn({ error: result.error, statusCode: result.statusCode }, "Slack's response_url did not take a click's answer");
    }
  }
  if (!answer.channelId) return;
  await api.chat
    .postEphemeral({ channel: answer.channelId, user: answer.slackUserId, text: answer.text })
    .catch((error: unknown) => logger.warn({ err: error }, "could not tell a Slack member how their click went"));
}
