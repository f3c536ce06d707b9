// Satisfaction surveys: issued when a case reaches DONE, answered once through a token.
import type { SurveyRating } from "../generated/prisma/enums.js";

export function surveyWindow(doneAt: Date, settings: { delaySeconds: number; ttlSeconds: number }) {
  const sendAt = new Date(doneAt.getTime() + settings.delaySeconds * 1000);
  return { sendAt, expiresAt: new Date(sendAt.getTime() + settings.ttlSeconds * 1000) };
}

/** Why a survey cannot take an answer now, or null when it can. */
export function surveyRefusal(survey: { answeredAt: Date | null; expiresAt: Date } | null, now: Date): string | null {
  if (!survey) return "This survey link is not valid";
  if (survey.answeredAt) return "This survey was already answered; thank you";
  if (survey.expiresAt <= now) return "This survey link has expired";
  return null;
}

/** An unhappy customer's case goes back to its team's supervisors for review. */
export const needsReview = (rating: SurveyRating) => rating === "UNSATISFIED";
