-- AlterTable
ALTER TABLE "TicketEvent" ADD COLUMN     "commentId" UUID;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "Comment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Review events written before this column named their reply only in "after": link them,
-- so the reply's readers are their readers too (an event about a held reply otherwise told
-- every reader of the case that one was held, and a rejection's note gave the reason).
-- The append-only trigger is set aside for this one statement, which changes nothing an
-- event recorded: it copies the event's own comment id into the new column.
ALTER TABLE "TicketEvent" DISABLE TRIGGER "TicketEvent_immutable";
UPDATE "TicketEvent" e SET "commentId" = c."id"
FROM "Comment" c
WHERE e."type" IN ('REPLY_HELD', 'REPLY_APPROVED', 'REPLY_REJECTED') AND e."commentId" IS NULL
  AND c."id"::text = e."after" ->> 'commentId';
ALTER TABLE "TicketEvent" ENABLE TRIGGER "TicketEvent_immutable";
