-- CreateTable
CREATE TABLE "StatusAutomation" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "TicketStatus" NOT NULL,
    "afterSeconds" INTEGER NOT NULL,
    "businessTime" BOOLEAN NOT NULL DEFAULT true,
    "conditions" JSONB NOT NULL,
    "actions" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StatusAutomation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationCheck" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "automationId" UUID NOT NULL,
    "enteredAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3),
    "nextCheckAt" TIMESTAMP(3),

    CONSTRAINT "AutomationCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StatusAutomation_name_key" ON "StatusAutomation"("name");

-- CreateIndex
CREATE INDEX "AutomationCheck_nextCheckAt_idx" ON "AutomationCheck"("nextCheckAt");

-- CreateIndex
CREATE INDEX "AutomationCheck_automationId_idx" ON "AutomationCheck"("automationId");

-- CreateIndex
CREATE UNIQUE INDEX "AutomationCheck_ticketId_automationId_key" ON "AutomationCheck"("ticketId", "automationId");

-- AddForeignKey
ALTER TABLE "AutomationCheck" ADD CONSTRAINT "AutomationCheck_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationCheck" ADD CONSTRAINT "AutomationCheck_automationId_fkey" FOREIGN KEY ("automationId") REFERENCES "StatusAutomation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
