// Swarming, the expert finder, and the work profile (availability, hours, skills) they read.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { ExpertScore } from "../domain/people.js";
import { EXPERT_WEIGHTS, FULL_LOAD } from "../domain/people.js";
import { updateWorkProfile } from "../resolvers/people.js";
import { closeSwarm, findExperts, joinSwarm, leaveSwarm, postSwarmMessage, startSwarm } from "../resolvers/swarms.js";
import { builder } from "./builder.js";
import { AvailabilityEnum } from "./enums.js";
import { commonErrors, ticketWriteErrors } from "./errors.js";
import { OpeningWindowInput, OpeningWindowRef } from "./sla/settings.js";
import { changedTicketField } from "./ticket/payloads.js";
import { UserRef } from "./user.js";

const SwarmStatusEnum = builder.enumType("SwarmStatus", {
  description: "Whether a swarm is still working.",
  values: { OPEN: { description: "Experts are on it." }, CLOSED: { description: "Done; its thread stays on the case." } } as const,
});

const SkillRef = builder.objectRef<{ skill: string; level: number }>("Skill").implement({
  description: "A skill and how good someone is at it.",
  fields: (t) => ({
    skill: t.exposeString("skill", { description: "Lower-case skill name, e.g. payments." }),
    level: t.exposeInt("level", { description: "1 (basic) to 10 (the expert)." }),
  }),
});

builder.prismaObjectFields(UserRef, (t) => ({
  skills: t.field({
    type: [SkillRef],
    description: "Skills offered to swarms, best first.",
    select: { skills: { orderBy: [{ level: "desc" }, { skill: "asc" }] } },
    resolve: (u) => u.skills,
  }),
  timeZone: t.exposeString("timeZone", { description: "IANA time zone of the working hours." }),
  workingHours: t.field({
    type: [OpeningWindowRef],
    description: "Weekly working hours in timeZone; empty means any time.",
    resolve: (u) => u.workingHours as { day: number; start: string; end: string }[],
  }),
}));

const SwarmMemberRef = builder.prismaObject("SwarmMember", {
  description: "Someone in a swarm.",
  fields: (t) => ({
    user: t.relation("user", { description: "The person." }),
    joinedAt: t.expose("joinedAt", { type: "DateTime", description: "When they joined." }),
  }),
});

builder.prismaObject("Swarm", {
  description: "Experts pulled in on a hard case; its thread is comments tagged to it. The owner stays responsible for the case.",
  fields: (t) => ({
    id: t.id({ description: "The swarm's global id, for joinSwarm and friends.", resolve: (s) => encodeGlobalID("Swarm", s.id) }),
    reason: t.exposeString("reason", { description: "Why help is needed." }),
    skills: t.exposeStringList("skills", { description: "Skills asked for." }),
    status: t.field({ type: SwarmStatusEnum, description: "Open or closed.", resolve: (s) => s.status }),
    owner: t.relation("owner", { description: "Who runs it: the case's assignee." }),
    members: t.relation("members", {
      description: "Who is in it now, owner included.",
      query: { where: { leftAt: null }, orderBy: { joinedAt: "asc" } },
    }),
    thread: t.relation("comments", {
      description: "The swarm's discussion, oldest first.",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was opened." }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true, description: "When it was closed." }),
  }),
});
void SwarmMemberRef;

builder.prismaObjectField("Ticket", "swarms", (t) =>
  t.relation("swarms", { description: "Swarms on the case, newest first.", query: { orderBy: { createdAt: "desc" } } }),
);

const ExpertMatchRef = builder.objectRef<ExpertScore>("ExpertMatch").implement({
  description: `One colleague's fit: score = ${EXPERT_WEIGHTS.skill}·skillMatch + ${EXPERT_WEIGHTS.availability}·availability + ${EXPERT_WEIGHTS.load}·loadScore.`,
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The colleague.",
      resolve: (query, m, _a, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id: m.candidate.id } }),
    }),
    score: t.exposeFloat("score", { description: "0 to 1; higher is a better fit." }),
    skillMatch: t.exposeFloat("skillMatch", { description: "Mean level of the asked skills over 10 (a missing skill counts 0)." }),
    matchedSkills: t.field({ type: [SkillRef], description: "Asked skills they have, with their levels.", resolve: (m) => m.matched }),
    missingSkills: t.stringList({ description: "Asked skills they lack.", resolve: (m) => m.missing }),
    availability: t.exposeFloat("availability", { description: "1 available, 0.5 busy, 0 away, offline or outside working hours." }),
    inWorkingHours: t.exposeBoolean("inWorkingHours", { description: "Whether now is inside their working hours." }),
    openCases: t.int({ description: "Open cases assigned to them.", resolve: (m) => m.candidate.openCases }),
    activeSwarms: t.int({ description: "Open swarms they are in.", resolve: (m) => m.candidate.activeSwarms }),
    loadScore: t.exposeFloat("loadScore", { description: `1 with nothing on their plate, 0 at ${FULL_LOAD} open cases and swarms.` }),
  }),
});

builder.queryField("expertFinder", (t) =>
  t.field({
    type: [ExpertMatchRef],
    description:
      "Colleagues ranked for a case by skill match, availability and load, best first; people with none of the skills are left out.",
    authScopes: { user: true },
    args: {
      ticketId: t.arg.id({ required: true, description: "The case." }),
      skills: t.arg.stringList({ description: "Skills to look for; default: the open swarm's, else the case's tags." }),
      first: t.arg.int({ description: "How many (1-50, default 10)." }),
    },
    resolve: (_root, args, ctx) => findExperts(ctx, args),
  }),
);

const SwarmPayload = builder.objectRef<{ swarmId: string; ticketId: string }>("SwarmPayload").implement({
  description: "The swarm after the change, and its case.",
  fields: (t) => ({
    swarm: t.prismaField({
      type: "Swarm",
      description: "The swarm.",
      resolve: (query, { swarmId }, _a, ctx) => ctx.prisma.swarm.findUniqueOrThrow({ ...query, where: { id: swarmId } }),
    }),
    ticket: changedTicketField(t),
  }),
});

const StartSwarmInput = builder.inputType("StartSwarmInput", {
  description: "A swarm to open on a case.",
  fields: (t) => ({
    ticketId: t.id({ required: true, description: "The case; one open swarm at a time." }),
    reason: t.string({ required: true, description: "Why help is needed." }),
    skills: t.stringList({ required: true, description: "Skills wanted (1-10)." }),
  }),
});
const SwarmInput = builder.inputType("SwarmInput", {
  description: "A swarm.",
  fields: (t) => ({ swarmId: t.id({ required: true, description: "The swarm." }) }),
});
const CloseSwarmInput = builder.inputType("CloseSwarmInput", {
  description: "The end of a swarm.",
  fields: (t) => ({
    swarmId: t.id({ required: true, description: "The swarm." }),
    summary: t.string({ description: "What the swarm found; posted to its thread." }),
  }),
});
const SwarmMessageInput = builder.inputType("PostSwarmMessageInput", {
  description: "A message in a swarm's thread.",
  fields: (t) => ({
    swarmId: t.id({ required: true, description: "The swarm." }),
    body: t.string({ required: true, description: "The message (≤ 10,000 characters)." }),
  }),
});

const SkillInput = builder.inputType("SkillInput", {
  description: "A skill and a level.",
  fields: (t) => ({
    skill: t.string({ required: true, description: "Skill name." }),
    level: t.int({ required: true, description: "1-10." }),
  }),
});
const UpdateWorkProfileInput = builder.inputType("UpdateWorkProfileInput", {
  description: "Availability, hours and skills; omitted fields stay as they are.",
  fields: (t) => ({
    userId: t.id({ description: "Whose profile; default the viewer's own (administrators may name anyone)." }),
    availability: t.field({ type: AvailabilityEnum, description: "Whether the person can take work now." }),
    timeZone: t.string({ description: "IANA time zone of the working hours." }),
    workingHours: t.field({ type: [OpeningWindowInput], description: "Weekly working hours; empty for any time." }),
    skills: t.field({ type: [SkillInput], description: "The whole list of skills (replaces the old one)." }),
  }),
});
const WorkProfilePayload = builder.objectRef<{ id: string }>("WorkProfilePayload").implement({
  description: "The person after the change.",
  fields: (t) => ({
    user: t.prismaField({
      type: "User",
      description: "The person.",
      resolve: (query, { id }, _a, ctx) => ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  startSwarm: t.field({
    type: SwarmPayload,
    description: "Opens a swarm on a case. Its assignee (or a supervisor); the assignee owns it.",
    authScopes: { user: true },
    errors: { types: ticketWriteErrors },
    args: { input: t.arg({ type: StartSwarmInput, required: true, description: "The swarm." }) },
    resolve: (_root, { input }, ctx) => startSwarm(ctx, input),
  }),
  joinSwarm: t.field({
    type: SwarmPayload,
    description: "Joins an open swarm; members may read the case and post in the thread.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: SwarmInput, required: true, description: "The swarm." }) },
    resolve: (_root, { input }, ctx) => joinSwarm(ctx, input),
  }),
  leaveSwarm: t.field({
    type: SwarmPayload,
    description: "Leaves a swarm (the owner closes it instead).",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: SwarmInput, required: true, description: "The swarm." }) },
    resolve: (_root, { input }, ctx) => leaveSwarm(ctx, input),
  }),
  closeSwarm: t.field({
    type: SwarmPayload,
    description: "Closes a swarm. Its owner or a supervisor.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: CloseSwarmInput, required: true, description: "The swarm." }) },
    resolve: (_root, { input }, ctx) => closeSwarm(ctx, input),
  }),
  postSwarmMessage: t.field({
    type: SwarmPayload,
    description: "Posts to a swarm's thread (an internal comment on the case). Members, the owner and supervisors.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: SwarmMessageInput, required: true, description: "The message." }) },
    resolve: (_root, { input }, ctx) => postSwarmMessage(ctx, input),
  }),
  updateWorkProfile: t.field({
    type: WorkProfilePayload,
    description: "Sets availability, working hours and skills. People their own; administrators anyone's.",
    authScopes: { user: true },
    errors: { types: commonErrors },
    args: { input: t.arg({ type: UpdateWorkProfileInput, required: true, description: "The changes." }) },
    resolve: (_root, { input }, ctx) => updateWorkProfile(ctx, { ...input, userId: input.userId ?? null }),
  }),
}));

builder.prismaObjectField("Comment", "swarm", (t) =>
  t.relation("swarm", { nullable: true, description: "The swarm whose thread the comment belongs to." }),
);
