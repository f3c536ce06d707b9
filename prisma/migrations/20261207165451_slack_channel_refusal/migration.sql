-- AlterTable
ALTER TABLE "SlackChannel" ADD COLUMN     "refusal" TEXT,
ADD COLUMN     "refusedAt" TIMESTAMP(3);
