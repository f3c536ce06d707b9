-- The pending-check indexes (SlaTarget and AutomationCheck "nextCheckAt") are read by every
-- monitor scan with nextCheckAt <= now. Each fired alert moves its row's check time, which
-- leaves a dead index entry in the past until vacuum, and every scan walks over them: after
-- 60,000 alerts one claim read 59,040 entries for 2,000 live ones (BENCHMARKS.md, SLA
-- monitor). PostgreSQL's default waits for 20 % of the table to be dead, 200,000 rows on a
-- table of a million, so these two tables are vacuumed after a thousand dead rows and half a
-- percent of the table instead.
ALTER TABLE "SlaTarget" SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.005);
ALTER TABLE "AutomationCheck" SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.005);
