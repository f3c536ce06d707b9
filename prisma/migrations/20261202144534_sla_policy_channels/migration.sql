-- AlterTable
ALTER TABLE "SlaPolicy" ADD COLUMN     "channels" "Channel"[] DEFAULT ARRAY[]::"Channel"[];
