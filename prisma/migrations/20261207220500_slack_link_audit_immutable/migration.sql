-- Who was linked to which Slack member is a security record, append-only like the case
-- audit trail (migration audit_immutable): refuse any UPDATE or DELETE of a row, whoever
-- sends it. The migration runner for node-postgres splits scripts at every semicolon, even
-- inside quotes, so the function body spells its semicolons as the escape \073.
CREATE FUNCTION "caseflow_refuse_history_change"() RETURNS trigger LANGUAGE plpgsql AS
E'BEGIN RAISE EXCEPTION ''% rows are immutable (% refused)'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "SlackLinkEvent_immutable"
BEFORE UPDATE OR DELETE ON "SlackLinkEvent"
FOR EACH ROW EXECUTE FUNCTION "caseflow_refuse_history_change"();
