-- AlterTable
ALTER TABLE "IncidentUpdate" ADD COLUMN     "ticketId" UUID;

-- AddForeignKey
ALTER TABLE "IncidentUpdate" ADD CONSTRAINT "IncidentUpdate_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Entries written before this column named their case only in the text "<number> linked".
UPDATE "IncidentUpdate" AS u SET "ticketId" = t."id"
FROM "Ticket" AS t
WHERE u."kind" = 'TICKET_LINKED' AND u."ticketId" IS NULL AND u."body" = t."number" || ' linked';
