-- AlterTable
ALTER TABLE "SlaTarget" ADD COLUMN     "elapsedSeconds" INTEGER;
