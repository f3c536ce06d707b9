-- The bearer session check of the raw ceiling and the PostGraphile peer: the same facts
-- caseflow's authenticate() reads (session, user, team memberships, open swarms), in one statement.
SELECT s.id, s."expiresAt", s."revokedAt", u.id AS "userId", u.role, u.active, u."canViewContact",
  ARRAY(SELECT m."teamId" FROM "TeamMember" m WHERE m."userId" = u.id) AS "teamIds",
  ARRAY(SELECT w."ticketId" FROM "SwarmMember" sm JOIN "Swarm" w ON w.id = sm."swarmId"
        WHERE sm."userId" = u.id AND sm."leftAt" IS NULL AND w.status = 'OPEN') AS "swarmTicketIds"
FROM "Session" s JOIN "User" u ON u.id = s."userId"
WHERE s."tokenHash" = $1
