import { hashToken, newBearerToken } from "../auth/secrets.js";
import type { Context } from "../context.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import { freeText, parseInput } from "../domain/input.js";
import { needsReview, surveyRefusal, surveyWindow } from "../domain/surveys.js";
import { SurveyUnavailableError } from "../errors.js";
import type { SurveyRating } from "../generated/prisma/enums.js";
import { raiseAlert } from "../realtime/alerts.js";
import { recordEvent } from "./audit.js";

/** Issues the survey of a case that just reached DONE; the token is returned once and stored hashed. */
export async function issueSurvey(tx: Tx, ctx: Context, ticketId: string, doneAt: Date) {
  const token = newBearerToken("survey");
  const window = surveyWindow(doneAt, ctx.survey);
  await tx.survey.create({ data: { ticketId, tokenHash: hashToken(token), ...window, createdAt: doneAt } });
  return { surveyToken: token, surveySendAt: window.sendAt };
}

export async function submitSurvey(ctx: Context, args: { token: string; rating: SurveyRating; comment?: string | null }) {
  const comment = args.comment ? parseInput(freeText(2000), args.comment, "input.comment") : null;
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const survey = await tx.survey.findUnique({ where: { tokenHash: hashToken(args.token.trim()) } });
    const refusal = surveyRefusal(survey, now);
    if (refusal || !survey) throw new SurveyUnavailableError(refusal!);
    // Answered once: a concurrent second answer finds answeredAt already set.
    const { count } = await tx.survey.updateMany({
      where: { id: survey.id, answeredAt: null },
      data: { rating: args.rating, comment, answeredAt: now },
    });
    if (count === 0) throw new SurveyUnavailableError(surveyRefusal({ ...survey, answeredAt: now }, now)!);
    if (needsReview(args.rating)) {
      const ticket = await tx.ticket.update({
        where: { id: survey.ticketId },
        data: { needsReview: true, version: { increment: 1 }, updatedAt: now },
        select: { number: true, teamId: true },
      });
      raiseAlert(tx, {
        kind: "SURVEY_UNSATISFIED",
        audience: "SUPERVISORS",
        teamIds: [ticket.teamId],
        ticketId: survey.ticketId,
        message: `The customer of ${ticket.number} is not satisfied${comment ? `: ${comment}` : ""}`,
        at: now,
      });
    }
    await recordEvent(tx, "customer", survey.ticketId, now, {
      type: "SURVEY_ANSWERED",
      after: { rating: args.rating, ...(needsReview(args.rating) ? { needsReview: true } : {}) },
    });
    return { rating: args.rating };
  });
}
