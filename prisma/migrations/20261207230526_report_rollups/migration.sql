-- Report rollups kept by a fold, not by the writes (docs/architecture.md, "Reports").
-- A write that may change a report fact appends the case's id to "ReportDirty" through
-- the triggers below: one INSERT into a table no other writer updates, no lock on the
-- case, on a rollup or on any other row. One fold at a time (src/reports/fold.ts)
-- recomputes the facts of the marked cases into "ReportFact" and "ReportRollup" and
-- deletes the marks, in one statement. A report adds the rollups, and corrects them by
-- the marked cases, so it is exact whether or not the fold has run.
--
-- Re-runnable: the migration runner splits scripts at every semicolon (even inside
-- quotes, hence \073 in the function bodies) and does not wrap them in one transaction,
-- so every statement can be applied again after a failure half-way (IF NOT EXISTS,
-- OR REPLACE, DROP ... IF EXISTS). The backfill only marks every case, so a second
-- run marks them again, which the fold treats as once.

-- CreateTable
CREATE TABLE IF NOT EXISTS "ReportDirty" (
    "id" BIGSERIAL NOT NULL,
    "ticketId" UUID NOT NULL,

    CONSTRAINT "ReportDirty_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "ReportFact" (
    "id" BIGSERIAL NOT NULL,
    "ticketId" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "at2" TIMESTAMP(3),
    "value" INTEGER,
    "teamId" UUID,
    "practice" BOOLEAN NOT NULL,

    CONSTRAINT "ReportFact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "ReportRollup" (
    "metric" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "team" TEXT NOT NULL,
    "practice" BOOLEAN NOT NULL,
    "key" TEXT NOT NULL,
    "n" BIGINT NOT NULL,
    "total" BIGINT NOT NULL,

    CONSTRAINT "ReportRollup_pkey" PRIMARY KEY ("metric","day","team","practice","key")
);

-- CreateIndex
CREATE INDEX IF NOT EXISTS "ReportDirty_ticketId_idx" ON "ReportDirty"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "ReportFact_ticketId_idx" ON "ReportFact"("ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "ReportFact_metric_at_teamId_practice_key_value_at2_ticketId_idx" ON "ReportFact"("metric", "at", "teamId", "practice", "key", "value", "at2", "ticketId");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "ReportFact_metric_key_at_value_teamId_practice_ticketId_idx" ON "ReportFact"("metric", "key", "at", "value", "teamId", "practice", "ticketId");

-- Marks for a statement's inserted or deleted rows, one INSERT per statement (a bulk
-- import of 20,000 cases pays one INSERT ... SELECT, not 20,000 function calls). The
-- transition table is called "changed" by every trigger that uses these functions.
CREATE OR REPLACE FUNCTION "caseflow_report_mark_cases"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN INSERT INTO "ReportDirty" ("ticketId") SELECT id FROM changed\073 RETURN NULL\073 END\073';

CREATE OR REPLACE FUNCTION "caseflow_report_mark_children"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN INSERT INTO "ReportDirty" ("ticketId") SELECT "ticketId" FROM changed\073 RETURN NULL\073 END\073';

-- Audit events are immutable, and only status changes are report facts.
CREATE OR REPLACE FUNCTION "caseflow_report_mark_status_events"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN INSERT INTO "ReportDirty" ("ticketId") SELECT "ticketId" FROM changed WHERE type = ''STATUS_CHANGED''\073 RETURN NULL\073 END\073';

-- Updates are marked row by row, and only when a column a fact reads changed (the WHEN
-- of each trigger): the many updates that touch none (versions, SLA check times,
-- warnings) call nothing.
CREATE OR REPLACE FUNCTION "caseflow_report_mark_updated"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN IF TG_TABLE_NAME = ''Ticket'' THEN INSERT INTO "ReportDirty" ("ticketId") VALUES (NEW.id)\073 ELSIF OLD."ticketId" = NEW."ticketId" THEN INSERT INTO "ReportDirty" ("ticketId") VALUES (NEW."ticketId")\073 ELSE INSERT INTO "ReportDirty" ("ticketId") VALUES (OLD."ticketId"), (NEW."ticketId")\073 END IF\073 RETURN NULL\073 END\073';

DROP TRIGGER IF EXISTS "Ticket_report_insert" ON "Ticket";
CREATE TRIGGER "Ticket_report_insert" AFTER INSERT ON "Ticket" REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_cases"();
DROP TRIGGER IF EXISTS "Ticket_report_delete" ON "Ticket";
CREATE TRIGGER "Ticket_report_delete" AFTER DELETE ON "Ticket" REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_cases"();
DROP TRIGGER IF EXISTS "Ticket_report_update" ON "Ticket";
CREATE TRIGGER "Ticket_report_update" AFTER UPDATE ON "Ticket" FOR EACH ROW
WHEN ((OLD."teamId", OLD.priority, OLD.channel, OLD.type, OLD.subcategory, OLD.status, OLD."assigneeId", OLD.practice, OLD."createdAt")
  IS DISTINCT FROM (NEW."teamId", NEW.priority, NEW.channel, NEW.type, NEW.subcategory, NEW.status, NEW."assigneeId", NEW.practice, NEW."createdAt"))
EXECUTE FUNCTION "caseflow_report_mark_updated"();

DROP TRIGGER IF EXISTS "TicketTag_report_insert" ON "TicketTag";
CREATE TRIGGER "TicketTag_report_insert" AFTER INSERT ON "TicketTag" REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "TicketTag_report_delete" ON "TicketTag";
CREATE TRIGGER "TicketTag_report_delete" AFTER DELETE ON "TicketTag" REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "TicketTag_report_update" ON "TicketTag";
CREATE TRIGGER "TicketTag_report_update" AFTER UPDATE ON "TicketTag" FOR EACH ROW
WHEN ((OLD."ticketId", OLD."tagId") IS DISTINCT FROM (NEW."ticketId", NEW."tagId"))
EXECUTE FUNCTION "caseflow_report_mark_updated"();

DROP TRIGGER IF EXISTS "SlaTarget_report_insert" ON "SlaTarget";
CREATE TRIGGER "SlaTarget_report_insert" AFTER INSERT ON "SlaTarget" REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "SlaTarget_report_delete" ON "SlaTarget";
CREATE TRIGGER "SlaTarget_report_delete" AFTER DELETE ON "SlaTarget" REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "SlaTarget_report_update" ON "SlaTarget";
CREATE TRIGGER "SlaTarget_report_update" AFTER UPDATE ON "SlaTarget" FOR EACH ROW
WHEN ((OLD."ticketId", OLD.kind, OLD."metAt", OLD."breachedAt", OLD."elapsedSeconds")
  IS DISTINCT FROM (NEW."ticketId", NEW.kind, NEW."metAt", NEW."breachedAt", NEW."elapsedSeconds"))
EXECUTE FUNCTION "caseflow_report_mark_updated"();

DROP TRIGGER IF EXISTS "Survey_report_insert" ON "Survey";
CREATE TRIGGER "Survey_report_insert" AFTER INSERT ON "Survey" REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "Survey_report_delete" ON "Survey";
CREATE TRIGGER "Survey_report_delete" AFTER DELETE ON "Survey" REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_children"();
DROP TRIGGER IF EXISTS "Survey_report_update" ON "Survey";
CREATE TRIGGER "Survey_report_update" AFTER UPDATE ON "Survey" FOR EACH ROW
WHEN ((OLD."ticketId", OLD.rating, OLD."answeredAt") IS DISTINCT FROM (NEW."ticketId", NEW.rating, NEW."answeredAt"))
EXECUTE FUNCTION "caseflow_report_mark_updated"();

DROP TRIGGER IF EXISTS "TicketEvent_report_insert" ON "TicketEvent";
CREATE TRIGGER "TicketEvent_report_insert" AFTER INSERT ON "TicketEvent" REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION "caseflow_report_mark_status_events"();

-- Backfill: every existing case is marked, and the first folds compute its facts (in
-- batches, so no single transaction holds a million cases). Until then reports are
-- exact but slower: they recount the marked cases.
INSERT INTO "ReportDirty" ("ticketId") SELECT id FROM "Ticket";
