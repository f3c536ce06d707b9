// Who can take work now, who gets the next case, and who knows the most about a
// problem. Pure functions of people's facts; the resolvers load the facts.
import type { Availability } from "../generated/prisma/enums.js";
import { businessSecondsBetween, type OpeningWindow } from "./business-time.js";

export interface PersonFacts {
  id: string;
  name: string;
  availability: Availability;
  timeZone: string;
  /** Empty means any time. */
  workingHours: readonly OpeningWindow[];
}

/** Whether the person's weekly working hours include this instant. */
export function withinWorkingHours(person: Pick<PersonFacts, "timeZone" | "workingHours">, now: Date): boolean {
  if (!person.workingHours.length) return true;
  return (
    businessSecondsBetween(
      { timeZone: person.timeZone, weeklyHours: person.workingHours, holidays: [] },
      now,
      new Date(now.getTime() + 1000),
    ) > 0
  );
}

/** Automatic assignment only picks people marked AVAILABLE and inside their working hours. */
export function canTakeWork(person: PersonFacts, now: Date): boolean {
  return person.availability === "AVAILABLE" && withinWorkingHours(person, now);
}

/** The next person after `lastId` in a stable order (by id), wrapping around. */
export function nextInRotation<P extends { id: string }>(people: readonly P[], lastId: string | null): P | null {
  const ordered = [...people].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.find((p) => lastId !== null && p.id > lastId) ?? ordered[0] ?? null;
}

/** The person with the fewest open cases; ties go to the name first in order, then id. */
export function leastLoaded<P extends { id: string; name: string }>(
  people: readonly P[],
  openCases: ReadonlyMap<string, number>,
): P | null {
  return (
    [...people].sort(
      (a, b) => (openCases.get(a.id) ?? 0) - (openCases.get(b.id) ?? 0) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1),
    )[0] ?? null
  );
}

// ─── expert finder ──────────────────────────────────────────────────────────

/** How much each part counts in an expert's score; the parts are each 0..1. */
export const EXPERT_WEIGHTS = { skill: 0.6, availability: 0.25, load: 0.15 } as const;
/** At this many open cases plus active swarms, the load part reaches 0. */
export const FULL_LOAD = 10;

const AVAILABILITY_SCORE: Record<Availability, number> = { AVAILABLE: 1, BUSY: 0.5, AWAY: 0, OFFLINE: 0 };

export interface ExpertCandidate extends PersonFacts {
  skills: ReadonlyMap<string, number>;
  openCases: number;
  activeSwarms: number;
}

export interface ExpertScore {
  candidate: ExpertCandidate;
  matched: { skill: string; level: number }[];
  missing: string[];
  /** Mean level of the asked skills over 10; a missing skill counts 0. */
  skillMatch: number;
  inWorkingHours: boolean;
  /** 1 available, 0.5 busy, 0 away/offline or outside working hours. */
  availability: number;
  load: number;
  /** 1 with nothing on their plate, falling to 0 at FULL_LOAD. */
  loadScore: number;
  score: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function scoreExpert(candidate: ExpertCandidate, skills: readonly string[], now: Date): ExpertScore {
  const matched = skills.filter((s) => candidate.skills.has(s)).map((skill) => ({ skill, level: candidate.skills.get(skill)! }));
  const skillMatch = skills.length ? matched.reduce((sum, m) => sum + m.level, 0) / (10 * skills.length) : 0;
  const inWorkingHours = withinWorkingHours(candidate, now);
  const availability = inWorkingHours ? AVAILABILITY_SCORE[candidate.availability] : 0;
  const load = candidate.openCases + candidate.activeSwarms;
  const loadScore = Math.max(0, 1 - load / FULL_LOAD);
  return {
    candidate,
    matched,
    missing: skills.filter((s) => !candidate.skills.has(s)),
    skillMatch: round(skillMatch),
    inWorkingHours,
    availability,
    load,
    loadScore: round(loadScore),
    score: round(EXPERT_WEIGHTS.skill * skillMatch + EXPERT_WEIGHTS.availability * availability + EXPERT_WEIGHTS.load * loadScore),
  };
}

/** Best first; people with none of the skills are left out. Ties go by name. */
export function rankExperts(candidates: readonly ExpertCandidate[], skills: readonly string[], now: Date): ExpertScore[] {
  return candidates
    .map((c) => scoreExpert(c, skills, now))
    .filter((s) => s.matched.length > 0)
    .sort((a, b) => b.score - a.score || a.candidate.name.localeCompare(b.candidate.name));
}
