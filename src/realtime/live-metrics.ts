// Live team metrics for dashboards: open, at-risk and breached cases per team, pushed
// when they change and at most once a second per team, however many events arrive and
// however many dashboards watch. One hub per instance counts in SQL for all its
// subscribers; each subscriber only receives the teams it watches. Practice cases are
// not counted (src/domain/training.ts).
import { Repeater } from "graphql-yoga";
import type { Clock } from "../clock.js";
import { productionSql } from "../db/production.js";
import { OPEN_STATUSES } from "../domain/workflow.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Realtime } from "./pubsub.js";

export interface TeamMetrics {
  teamId: string;
  open: number;
  /** Open cases with an SLA target in its warning period. */
  atRisk: number;
  /** Open cases with an SLA target past due and not met. */
  breached: number;
  at: Date;
}

type Listener = (metrics: TeamMetrics) => void;

/** Events that may move a case between teams: every watched team is recounted. */
const TEAM_CHANGING = new Set(["UPDATED", "RULE_FIRED"]);

export class LiveMetrics {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly latest = new Map<string, TeamMetrics>();
  private readonly lastCount = new Map<string, number>();
  /** Pending recounts: when each is due (on the clock) and the timer that looks then. */
  private readonly timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private unsubscribe: (() => void) | null = null;
  private readonly stopFollowingClock: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly realtime: Realtime,
    private readonly clock: Clock,
    private readonly minIntervalMs = 1000,
  ) {
    // The interval is measured on the app's clock: when a test moves it, what is now due is counted at once.
    this.stopFollowingClock =
      clock.onJump?.(() => {
        for (const teamId of [...this.timers.keys()]) this.recountWhenDue(teamId);
      }) ?? (() => {});
  }

  /** The teams' current figures first, then each change. */
  watch(teamIds: readonly string[]): AsyncIterable<TeamMetrics> {
    return new Repeater<TeamMetrics>(async (push, stop) => {
      const listener: Listener = (metrics) => void push(metrics);
      for (const teamId of teamIds) {
        if (!this.listeners.has(teamId)) this.listeners.set(teamId, new Set());
        this.listeners.get(teamId)!.add(listener);
      }
      this.listen();
      for (const metrics of await this.count(teamIds)) {
        if (!this.latest.has(metrics.teamId)) this.latest.set(metrics.teamId, metrics);
        await push(metrics);
      }
      await stop;
      for (const teamId of teamIds) {
        const set = this.listeners.get(teamId);
        set?.delete(listener);
        if (set?.size === 0) {
          this.listeners.delete(teamId);
          clearTimeout(this.timers.get(teamId)?.timer);
          this.timers.delete(teamId);
        }
      }
      if (this.listeners.size === 0) this.close();
    });
  }

  close() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Stops for good (the app is stopping). */
  dispose() {
    this.close();
    this.stopFollowingClock();
  }

  /** Follows case events and SLA alerts while anyone watches. */
  private listen() {
    if (this.unsubscribe) return;
    const events = this.realtime.pubsub.subscribe("ticket-event");
    const alerts = this.realtime.pubsub.subscribe("sla-alert");
    this.unsubscribe = () => {
      void events.return?.();
      void alerts.return?.();
    };
    void (async () => {
      for await (const event of events) {
        if (TEAM_CHANGING.has(event.type)) for (const teamId of this.listeners.keys()) this.schedule(teamId);
        else if (event.facts.teamId) this.schedule(event.facts.teamId);
      }
    })();
    void (async () => {
      for await (const alert of alerts) if (alert.facts.teamId) this.schedule(alert.facts.teamId);
    })();
  }

  /** Recounts a watched team no sooner than a second (on the clock) after its last count. */
  private schedule(teamId: string) {
    if (!this.listeners.has(teamId) || this.timers.has(teamId)) return;
    const due = (this.lastCount.get(teamId) ?? 0) + this.minIntervalMs;
    this.timers.set(teamId, { due, timer: setTimeout(() => this.recountWhenDue(teamId), 0) });
  }

  /** Counts the team now if its recount is due on the clock; otherwise looks again when it should be. */
  private recountWhenDue(teamId: string) {
    const pending = this.timers.get(teamId);
    if (!pending) return;
    clearTimeout(pending.timer);
    const wait = pending.due - this.clock.now().getTime();
    if (wait > 0) {
      pending.timer = setTimeout(() => this.recountWhenDue(teamId), wait);
      return;
    }
    this.timers.delete(teamId);
    void this.count([teamId])
      .then(([metrics]) => {
        const before = this.latest.get(teamId);
        if (
          metrics &&
          (!before || before.open !== metrics.open || before.atRisk !== metrics.atRisk || before.breached !== metrics.breached)
        ) {
          this.latest.set(teamId, metrics);
          for (const listener of this.listeners.get(teamId) ?? []) listener(metrics);
        }
      })
      .catch(() => {});
  }

  /** One statement for any number of teams. */
  async count(teamIds: readonly string[]): Promise<TeamMetrics[]> {
    if (!teamIds.length) return [];
    const now = this.clock.now().getTime();
    for (const id of teamIds) this.lastCount.set(id, now);
    const rows = await this.prisma.$queryRaw<{ teamId: string; open: bigint; atRisk: bigint; breached: bigint }[]>`
      SELECT t."teamId"::text AS "teamId",
             count(*) AS "open",
             count(*) FILTER (WHERE NOT s.breached AND s.warned) AS "atRisk",
             count(*) FILTER (WHERE s.breached) AS "breached"
      FROM "Ticket" t
      CROSS JOIN LATERAL (
        SELECT coalesce(bool_or(x."breachedAt" IS NOT NULL), false) AS breached,
               coalesce(bool_or(x."warnedAt" IS NOT NULL AND x."breachedAt" IS NULL AND x."pausedAt" IS NULL), false) AS warned
        FROM "SlaTarget" x WHERE x."ticketId" = t."id" AND x."metAt" IS NULL
      ) s
      WHERE t."teamId" IN (${Prisma.join(teamIds.map((id) => Prisma.sql`${id}::uuid`))})
        AND t."status"::text IN (${Prisma.join(OPEN_STATUSES)})
        AND ${productionSql("t")}
      GROUP BY t."teamId"`;
    const at = this.clock.now();
    const byTeam = new Map(rows.map((r) => [r.teamId, r]));
    return teamIds.map((teamId) => {
      const row = byTeam.get(teamId);
      return { teamId, open: Number(row?.open ?? 0), atRisk: Number(row?.atRisk ?? 0), breached: Number(row?.breached ?? 0), at };
    });
  }
}
