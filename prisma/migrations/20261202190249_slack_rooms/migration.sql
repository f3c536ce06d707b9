-- CreateTable
CREATE TABLE "SlackRoom" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "openMessageId" TEXT NOT NULL,
    "channelId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackRoom_pkey" PRIMARY KEY ("key")
);
