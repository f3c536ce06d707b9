-- The audit trail is append-only: refuse any UPDATE or DELETE of an event, whoever
-- sends it, so no code path (or hand-written SQL) can rewrite history.
-- The migration runner for node-postgres splits scripts at every semicolon, even inside
-- quotes, so the function body spells its semicolons as the escape \073.
CREATE FUNCTION "caseflow_refuse_audit_change"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN RAISE EXCEPTION ''TicketEvent rows are immutable (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "TicketEvent_immutable"
BEFORE UPDATE OR DELETE ON "TicketEvent"
FOR EACH ROW EXECUTE FUNCTION "caseflow_refuse_audit_change"();
