-- DropIndex
DROP INDEX "SlaTarget_dueAt_idx";

-- DropIndex
DROP INDEX "SlaTarget_warnAt_idx";

-- DropIndex
DROP INDEX "Ticket_nextSlaEventAt_idx";

-- AlterTable
ALTER TABLE "SlaTarget" ADD COLUMN     "breachReason" TEXT,
ADD COLUMN     "calendarId" UUID,
ADD COLUMN     "nextCheckAt" TIMESTAMP(3),
ADD COLUMN     "warningBeforeSeconds" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Ticket" DROP COLUMN "nextSlaEventAt",
DROP COLUMN "slaPausedSince";

-- CreateIndex
CREATE INDEX "SlaTarget_nextCheckAt_idx" ON "SlaTarget"("nextCheckAt");

-- AddForeignKey
ALTER TABLE "SlaTarget" ADD CONSTRAINT "SlaTarget_calendarId_fkey" FOREIGN KEY ("calendarId") REFERENCES "BusinessCalendar"("id") ON DELETE SET NULL ON UPDATE CASCADE;
