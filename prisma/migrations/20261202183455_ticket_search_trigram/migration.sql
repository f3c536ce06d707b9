-- Case search (filter.search) reads these: exact matches on the case number (already
-- unique), the account (accountId, type) and the external reference, and text anywhere in
-- the title or the description (ILIKE '%text%'), which a trigram index answers without
-- reading every case. pg_trgm is trusted (PostgreSQL 13+), so the database owner may
-- create it, and PGlite loads it where each instance is opened (src/db/pglite.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Ticket_externalRef_idx" ON "Ticket"("externalRef");

-- CreateIndex
CREATE INDEX "Ticket_title_idx" ON "Ticket" USING GIN ("title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Ticket_description_idx" ON "Ticket" USING GIN ("description" gin_trgm_ops);
