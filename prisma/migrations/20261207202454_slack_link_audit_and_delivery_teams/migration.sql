-- CreateEnum
CREATE TYPE "SlackLinkAction" AS ENUM ('LINKED', 'UNLINKED');

-- CreateEnum
CREATE TYPE "SlackLinkVia" AS ENUM ('ADMIN', 'EMAIL');

-- AlterTable
ALTER TABLE "OutboundDelivery" ADD COLUMN     "lastErrorCode" TEXT,
ADD COLUMN     "teamIds" UUID[] DEFAULT ARRAY[]::UUID[];

-- CreateTable
CREATE TABLE "SlackLinkEvent" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "action" "SlackLinkAction" NOT NULL,
    "via" "SlackLinkVia" NOT NULL,
    "userId" UUID NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "actorUserId" UUID,
    "actorTokenId" UUID,

    CONSTRAINT "SlackLinkEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SlackLinkEvent_seq_key" ON "SlackLinkEvent"("seq");

-- CreateIndex
CREATE INDEX "SlackLinkEvent_userId_seq_idx" ON "SlackLinkEvent"("userId", "seq");

-- CreateIndex
CREATE INDEX "OutboundDelivery_channel_createdAt_idx" ON "OutboundDelivery"("channel", "createdAt");

-- AddForeignKey
ALTER TABLE "SlackLinkEvent" ADD CONSTRAINT "SlackLinkEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlackLinkEvent" ADD CONSTRAINT "SlackLinkEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlackLinkEvent" ADD CONSTRAINT "SlackLinkEvent_actorTokenId_fkey" FOREIGN KEY ("actorTokenId") REFERENCES "ApiToken"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Slack messages queued before this migration: the team whose routed channel they are for.
UPDATE "OutboundDelivery" AS d SET "teamIds" = ARRAY[c."teamId"]
  FROM "SlackChannel" AS c
  WHERE d."channel" = 'slack' AND d."payload"->>'channel' = c."channel";
