// Satisfaction surveys: the customer's answer through a one-time token, and what staff see of it.

import { SurveyUnavailableError, ValidationError } from "../errors.js";
import { submitSurvey } from "../resolvers/surveys.js";
import { builder } from "./builder.js";
import { ErrorInterface } from "./errors.js";
import { TicketRef } from "./ticket/type.js";

const SurveyRatingEnum = builder.enumType("SurveyRating", {
  description: "The customer's answer.",
  values: {
    SATISFIED: { description: "Satisfied." },
    NEUTRAL: { description: "Basically satisfied." },
    UNSATISFIED: { description: "Not satisfied: the case goes to review and supervisors are alerted." },
  } as const,
});

builder.objectType(SurveyUnavailableError, {
  name: "SurveyUnavailableError",
  description: "The survey link is wrong, has expired or was already used; nothing was recorded.",
  interfaces: [ErrorInterface],
});

const SurveyRef = builder.prismaObject("Survey", {
  description: "The satisfaction survey of a closed case.",
  fields: (t) => ({
    sendAt: t.expose("sendAt", { type: "DateTime", description: "When it was to be sent to the customer." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When its link stops working." }),
    rating: t.expose("rating", { type: SurveyRatingEnum, nullable: true, description: "The answer, once given." }),
    comment: t.exposeString("comment", { nullable: true, description: "The customer's comment, with personal data redacted." }),
    answeredAt: t.expose("answeredAt", { type: "DateTime", nullable: true, description: "When the customer answered." }),
  }),
});

builder.prismaObjectFields(TicketRef, (t) => ({
  survey: t.field({
    type: SurveyRef,
    nullable: true,
    description: "The latest satisfaction survey; null until the case is DONE.",
    select: { surveys: { orderBy: { createdAt: "desc" }, take: 1 } },
    resolve: (ticket) => ticket.surveys[0] ?? null,
  }),
  needsReview: t.exposeBoolean("needsReview", { description: "The customer answered UNSATISFIED: a supervisor should review the case." }),
}));

const SubmitSurveyPayload = builder.objectRef<{ rating: string }>("SubmitSurveyPayload").implement({
  description: "The answer was recorded.",
  fields: (t) => ({
    rating: t.field({ type: SurveyRatingEnum, description: "The answer recorded.", resolve: (r) => r.rating as never }),
  }),
});

const SubmitSurveyInput = builder.inputType("SubmitSurveyInput", {
  description: "A customer's answer.",
  fields: (t) => ({
    token: t.string({ required: true, description: "The one-time token from the survey link." }),
    rating: t.field({ type: SurveyRatingEnum, required: true, description: "The answer." }),
    comment: t.string({ description: "Anything the customer wants to add (≤ 2,000 characters)." }),
  }),
});

builder.mutationField("submitSurvey", (t) =>
  t.field({
    type: SubmitSurveyPayload,
    description: "Records a customer's answer. Needs no account: the token is the credential, valid once.",
    errors: { types: [SurveyUnavailableError, ValidationError] },
    args: { input: t.arg({ type: SubmitSurveyInput, required: true, description: "The answer." }) },
    resolve: (_root, { input }, ctx) => submitSurvey(ctx, input),
  }),
);
