-- TicketEvent.position: the order in which events become visible. `seq` is taken when a
-- row is inserted, so two transactions can commit out of `seq` order, and a reader that
-- resumes after the highest `seq` it saw can miss an event that commits later with a lower
-- one. A position is handed out at commit instead: a deferred constraint trigger takes one
-- transaction-level advisory lock and then numbers the transaction's new events from a
-- sequence. The lock is held until the commit has become visible, so whoever sees a
-- position sees every lower position that will ever exist (an aborted commit only leaves a
-- hole). Statements here spell semicolons inside function bodies as \073, because the
-- node-postgres migration runner splits scripts at every semicolon, even inside quotes.

-- AlterTable
ALTER TABLE "TicketEvent" ADD COLUMN     "position" BIGINT;

-- The append-only rule allows exactly one change: setting a NULL position, nothing else.
CREATE OR REPLACE FUNCTION "caseflow_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN IF TG_OP = ''UPDATE'' AND OLD."position" IS NULL AND NEW."position" IS NOT NULL AND to_jsonb(NEW) - ''position'' = to_jsonb(OLD) - ''position'' THEN RETURN NEW\073 END IF\073 RAISE EXCEPTION ''TicketEvent rows are immutable (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

-- Events written before this migration keep their order: position = seq.
UPDATE "TicketEvent" SET "position" = "seq" WHERE "position" IS NULL;

CREATE SEQUENCE "TicketEvent_position_seq" AS BIGINT;
SELECT setval('"TicketEvent_position_seq"', COALESCE((SELECT max("seq") FROM "TicketEvent"), 0) + 1, false);

-- CreateIndex
CREATE UNIQUE INDEX "TicketEvent_position_key" ON "TicketEvent"("position");

-- At commit, for each new event in insertion order: wait for the commits numbering before
-- this one to finish (the lock, key 'caseflow TicketEvent position'), then number it.
CREATE FUNCTION "caseflow_ticket_event_position"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN PERFORM pg_advisory_xact_lock(7208493177013355201)\073 UPDATE "TicketEvent" SET "position" = nextval(''"TicketEvent_position_seq"'') WHERE "seq" = NEW."seq" AND "position" IS NULL\073 RETURN NULL\073 END\073';

CREATE CONSTRAINT TRIGGER "TicketEvent_position"
AFTER INSERT ON "TicketEvent" DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION "caseflow_ticket_event_position"();
