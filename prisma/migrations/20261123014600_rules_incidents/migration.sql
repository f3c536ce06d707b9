-- CreateEnum
CREATE TYPE "IncidentUpdateKind" AS ENUM ('DECLARED', 'UPDATE', 'TICKET_LINKED', 'RESPONDER_ADDED', 'RESOLVED');

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "declaredByTokenId" UUID;

-- AlterTable
ALTER TABLE "IncidentUpdate" ADD COLUMN     "authorTokenId" UUID,
ADD COLUMN     "kind" "IncidentUpdateKind" NOT NULL DEFAULT 'UPDATE';

-- AlterTable
ALTER TABLE "RoutingRule" ADD COLUMN     "runsOn" TEXT[] DEFAULT ARRAY['CREATED']::TEXT[];

-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "lastAssignedUserId" UUID;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "workingHours" JSONB NOT NULL DEFAULT '[]';
