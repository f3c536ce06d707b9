import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/app.js";
import { seedTeam, seedUser, type TestUser } from "./helpers/seed.js";

let app: TestApp;
let admin: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  app = await createTestApp();
  admin = await seedUser(app, "ADMIN");
  supervisor = await seedUser(app, "SUPERVISOR");
});
afterAll(() => app.close());

const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) {
  __typename ... on UserPayload { user { id email role teams { name } } } ... on Error { code message } ... on ValidationError { field } } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginPayload { token user { email } } ... on Error { code message } } }`;

describe("people and teams", () => {
  it("lets an admin create a team and a person in it who can then sign in", async () => {
    const team = await app.gql(
      `mutation { createTeam(input: { name: "CS-Risk-Collaboration" }) { ... on TeamPayload { team { id name } } } }`,
      {},
      { token: admin.token },
    );
    const teamId = team.data.createTeam.team.id;
    const created = await app.gql(
      CREATE_USER,
      { i: { email: "Wang.Fang@Example.com", name: "Wang Fang", password: "long enough pw", role: "AGENT", teamIds: [teamId] } },
      { token: admin.token },
    );
    expect(created.data.createUser.user).toMatchObject({
      email: "wang.fang@example.com",
      role: "AGENT",
      teams: [{ name: "CS-Risk-Collaboration" }],
    });
    const stored = await app.db.prisma.user.findUniqueOrThrow({ where: { email: "wang.fang@example.com" } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain("long enough pw");

    const login = await app.gql(LOGIN, { i: { email: "WANG.FANG@example.com", password: "long enough pw" } });
    expect(login.data.login).toMatchObject({ __typename: "LoginPayload", user: { email: "wang.fang@example.com" } });
    const me = await app.gql(`{ me { name teams { name } } }`, {}, { token: login.data.login.token });
    expect(me.data.me).toEqual({ name: "Wang Fang", teams: [{ name: "CS-Risk-Collaboration" }] });

    expect((await app.gql(LOGIN, { i: { email: "wang.fang@example.com", password: "wrong password" } })).data.login).toMatchObject({
      __typename: "InvalidCredentialsError",
      code: "INVALID_CREDENTIALS",
    });
    expect((await app.gql(LOGIN, { i: { email: "nobody@example.com", password: "wrong password" } })).data.login.message).toBe(
      "Wrong e-mail or password",
    );

    const logout = await app.gql(`mutation { logout { ... on LogoutPayload { loggedOut } } }`, {}, { token: login.data.login.token });
    expect(logout.data.logout).toEqual({ loggedOut: true });
    expect((await app.gql(`{ me { name } }`, {}, { token: login.data.login.token })).status).toBe(401);
  });

  it("refuses duplicate e-mails, short passwords and unknown teams, naming the field", async () => {
    await app.gql(
      CREATE_USER,
      { i: { email: "dup@example.com", name: "A", password: "long enough pw", role: "AGENT" } },
      { token: admin.token },
    );
    const dup = await app.gql(
      CREATE_USER,
      { i: { email: "DUP@example.com", name: "B", password: "long enough pw", role: "AGENT" } },
      { token: admin.token },
    );
    expect(dup.data.createUser).toMatchObject({
      __typename: "ValidationError",
      field: "input.email",
      message: "input.email: is already in use",
    });
    const short = await app.gql(
      CREATE_USER,
      { i: { email: "s@example.com", name: "S", password: "short", role: "AGENT" } },
      { token: admin.token },
    );
    expect(short.data.createUser).toMatchObject({ __typename: "ValidationError", field: "input.password" });
    const team = await app.gql(
      CREATE_USER,
      {
        i: {
          email: "t@example.com",
          name: "T",
          password: "long enough pw",
          role: "AGENT",
          teamIds: ["VGVhbTowMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDA="],
        },
      },
      { token: admin.token },
    );
    expect(team.data.createUser).toMatchObject({ __typename: "ValidationError", field: "input.teamIds" });
    expect(await app.db.prisma.user.count({ where: { email: { in: ["s@example.com", "t@example.com"] } } })).toBe(0);
  });

  it("keeps administration to admins", async () => {
    const result = await app.gql(
      CREATE_USER,
      { i: { email: "x@example.com", name: "X", password: "long enough pw", role: "ADMIN" } },
      { token: supervisor.token },
    );
    expect(result.data.createUser).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    const team = await app.gql(`mutation { createTeam(input: { name: "Sneaky" }) { __typename } }`, {}, { token: supervisor.token });
    expect(team.data.createTeam.__typename).toBe("ForbiddenError");
  });

  it("signs a deactivated person out at once", async () => {
    const person = await seedUser(app, "AGENT");
    expect((await app.gql(`{ me { id } }`, {}, { token: person.token })).data.me).toEqual({ id: person.gid });
    const update = await app.gql(
      `mutation($i: UpdateUserInput!) { updateUser(input: $i) { ... on UserPayload { user { active } } } }`,
      { i: { id: person.gid, active: false } },
      { token: admin.token },
    );
    expect(update.data.updateUser.user.active).toBe(false);
    expect((await app.gql(`{ me { id } }`, {}, { token: person.token })).status).toBe(401);
  });

  it("adds and removes team members", async () => {
    const team = await seedTeam(app);
    const person = await seedUser(app, "AGENT");
    const ADD = `mutation($i: TeamMemberInput!) { addTeamMember(input: $i) { ... on TeamMembershipPayload { team { members { id } } } } }`;
    const REMOVE = `mutation($i: TeamMemberInput!) { removeTeamMember(input: $i) { __typename ... on TeamMembershipPayload { team { members { id } } } ... on ValidationError { field } } }`;
    expect(
      (await app.gql(ADD, { i: { teamId: team.gid, userId: person.gid } }, { token: admin.token })).data.addTeamMember.team.members,
    ).toEqual([{ id: person.gid }]);
    expect(
      (await app.gql(ADD, { i: { teamId: team.gid, userId: person.gid } }, { token: admin.token })).data.addTeamMember.team.members,
    ).toHaveLength(1);
    expect(
      (await app.gql(REMOVE, { i: { teamId: team.gid, userId: person.gid } }, { token: admin.token })).data.removeTeamMember.team.members,
    ).toEqual([]);
    expect(
      (await app.gql(REMOVE, { i: { teamId: team.gid, userId: person.gid } }, { token: admin.token })).data.removeTeamMember,
    ).toMatchObject({ __typename: "ValidationError", field: "input.userId" });
  });

  it("lists people, teams, the seeded tiers and finds a person by global id", async () => {
    const result = await app.gql(
      `query($id: ID!) {
      users(first: 100) { totalCount edges { node { id } } }
      teams { totalCount edges { node { name } } }
      tags(prefix: "") { totalCount }
      tiers { level name }
      node(id: $id) { ... on User { role } }
    }`,
      { id: supervisor.gid },
      { token: admin.token },
    );
    expect(result.data.users.totalCount).toBe(result.data.users.edges.length);
    expect(result.data.teams.totalCount).toBe(result.data.teams.edges.length);
    expect(result.data.teams.edges.map((e: any) => e.node.name)).toEqual(
      expect.arrayContaining(["Answer-Desk", "Complaints-Desk", "Product", "Tech-Support"]),
    );
    expect(result.data.tiers).toEqual([1, 2, 3, 4].map((level) => ({ level, name: `L${level}` })));
    expect(result.data.node).toEqual({ role: "SUPERVISOR" });
  });
});
