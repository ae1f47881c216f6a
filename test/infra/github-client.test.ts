import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_GITHUB_CLIENT,
  githubClientSettings,
  graphqlOperation,
  isRepeatable,
  requestKind,
} from "../../src/infra/github-client.js";
import { fastOctokit } from "../helpers/github-client.js";

const API = "https://api.github.com";
const SECONDARY = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
};

function client(settings = {}) {
  const { Octokit, metrics } = fastOctokit(settings);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  return { octokit: new Octokit({ auth: { token: "test" }, log: quiet }), metrics };
}

describe("GitHub client policy", () => {
  it("retries a 502 and returns the answer that follows", async () => {
    const { octokit, metrics } = client();
    nock(API)
      .get("/repos/acme/specs")
      .reply(502, "bad gateway")
      .get("/repos/acme/specs")
      .reply(200, { id: 7 });
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" });
    expect(data).toEqual({ id: 7 });
    expect(await metrics.count("githubRequests", { kind: "rest_read" })).toBe(2);
    expect(await metrics.count("githubRetries", { reason: "server_error" })).toBe(1);
  });

  it("waits out a secondary rate limit for its retry-after, then succeeds", async () => {
    const { octokit, metrics } = client();
    nock(API)
      .get("/repos/acme/specs")
      .reply(403, SECONDARY, { "retry-after": "2" })
      .get("/repos/acme/specs")
      .reply(200, { id: 7 });
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" });
    expect(data).toEqual({ id: 7 });
    expect(await metrics.count("githubRetries", { reason: "secondary_rate_limit" })).toBe(1);
  });

  it("waits out a primary rate limit until its reset", async () => {
    const { octokit, metrics } = client();
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    nock(API)
      .get("/repos/acme/specs")
      .reply(
        403,
        { message: "API rate limit exceeded" },
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": reset,
        },
      )
      .get("/repos/acme/specs")
      .reply(200, { id: 7 });
    await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" });
    expect(await metrics.count("githubRetries", { reason: "rate_limit" })).toBe(1);
  });

  it("gives up on a rate limit that lifts later than the longest wait", async () => {
    const { octokit } = client({ maxRateLimitWaitSeconds: 30 });
    nock(API).get("/repos/acme/specs").reply(403, SECONDARY, { "retry-after": "3600" });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("times out a stalled answer and retries it", async () => {
    const { octokit, metrics } = client({ timeoutMs: 100 });
    nock(API)
      .get("/repos/acme/specs")
      .delay(1000)
      .reply(200, { id: 1 })
      .get("/repos/acme/specs")
      .reply(200, { id: 7 });
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" });
    expect(data).toEqual({ id: 7 });
    expect(await metrics.count("githubRetries", { reason: "timeout" })).toBe(1);
  });

  it("stops after the configured retries", async () => {
    const { octokit, metrics } = client({ retries: 2 });
    nock(API).get("/repos/acme/specs").times(3).reply(503, "unavailable");
    await expect(
      octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "specs" }),
    ).rejects.toMatchObject({ status: 503 });
    expect(await metrics.count("githubRequests")).toBe(3);
  });

  it("does not send a comment again after a 502: GitHub may have posted it", async () => {
    const { octokit, metrics } = client();
    nock(API).post("/repos/acme/specs/issues/1/comments").reply(502, "bad gateway");
    await expect(
      octokit.rest.issues.createComment({ owner: "acme", repo: "specs", issue_number: 1, body: "hi" }),
    ).rejects.toMatchObject({ status: 502 });
    expect(await metrics.count("githubRequests", { kind: "rest_write" })).toBe(1);
  });

  it("does send a comment again after a secondary rate limit: GitHub refused it", async () => {
    const { octokit } = client();
    nock(API)
      .post("/repos/acme/specs/issues/1/comments")
      .reply(403, SECONDARY, { "retry-after": "1" })
      .post("/repos/acme/specs/issues/1/comments")
      .reply(201, { id: 9 });
    const { data } = await octokit.rest.issues.createComment({
      owner: "acme",
      repo: "specs",
      issue_number: 1,
      body: "hi",
    });
    expect(data.id).toBe(9);
  });

  it("retries GraphQL queries and label mutations after a 502, never a comment mutation", async () => {
    const { octokit, metrics } = client();
    nock(API)
      .post("/graphql")
      .reply(502, "bad gateway")
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "x" } } });
    await octokit.graphql("query { viewer { login } }");
    nock(API)
      .post("/graphql")
      .reply(502, "bad gateway")
      .post("/graphql")
      .reply(200, { data: { m0: { clientMutationId: null } } });
    await octokit.graphql(
      "mutation W($i0: AddLabelsToLabelableInput!) { m0: addLabelsToLabelable(input: $i0) { clientMutationId } }",
      { i0: {} },
    );
    nock(API).post("/graphql").reply(502, "bad gateway");
    await expect(
      octokit.graphql(
        "mutation W($i0: AddCommentInput!) { m0: addComment(input: $i0) { clientMutationId } }",
        { i0: {} },
      ),
    ).rejects.toMatchObject({ status: 502 });
    expect(await metrics.count("githubRequests", { kind: "graphql_query" })).toBe(2);
    expect(await metrics.count("githubRequests", { kind: "graphql_mutation" })).toBe(3);
    expect(await metrics.count("githubRetries")).toBe(2);
  });
});

describe("request classification", () => {
  it("finds the root fields of an aliased mutation, ignoring strings, comments and nested selections", () => {
    const document = `# a "comment" { not: a(field) }
      mutation BatchbotWrites($i0: AddCommentInput!, $i1: CreateLabelInput!) {
        m0: addComment(input: $i0) { commentEdge { node { id body } } }
        m1: createLabel(input: { name: "x { y: z(" }) { label { id } }
        closeIssue(input: {issueId: "I_1"}) { clientMutationId }
      }`;
    expect(graphqlOperation(document)).toEqual({
      type: "mutation",
      fields: ["addComment", "createLabel", "closeIssue"],
    });
    expect(graphqlOperation('query Q { repository(owner: "a", name: "b") { id } }')).toEqual({
      type: "query",
      fields: ["repository"],
    });
  });

  it("repeats reads and idempotent writes only", () => {
    const graphql = (query: string) => ({ method: "POST", url: "/graphql", query });
    expect(isRepeatable({ method: "GET", url: "/repos/a/b" })).toBe(true);
    expect(isRepeatable({ method: "PATCH", url: "/repos/a/b/issues/comments/1" })).toBe(true);
    expect(isRepeatable({ method: "POST", url: "/repos/a/b/issues/1/comments" })).toBe(false);
    expect(isRepeatable(graphql("{ viewer { login } }"))).toBe(true);
    expect(
      isRepeatable(graphql("mutation { a: addLabelsToLabelable(input: {}) { clientMutationId } }")),
    ).toBe(true);
    expect(
      isRepeatable(
        graphql("mutation { a: addLabelsToLabelable(input: {}) { x } b: createIssue(input: {}) { x } }"),
      ),
    ).toBe(false);
    expect(isRepeatable(graphql("mutation { ...Writes }"))).toBe(false);
    expect(
      requestKind({ method: "POST", url: "https://ghe.example/api/graphql", query: "mutation { x }" }),
    ).toBe("graphql_mutation");
    expect(requestKind({ method: "DELETE", url: "/x" })).toBe("rest_write");
  });

  it("reads its settings from the environment, falling back to the defaults", () => {
    expect(githubClientSettings({})).toEqual(DEFAULT_GITHUB_CLIENT);
    expect(
      githubClientSettings({
        BATCHBOT_GITHUB_RETRIES: "5",
        BATCHBOT_GITHUB_TIMEOUT_MS: "1000",
        BATCHBOT_GITHUB_RATE_LIMIT_RETRIES: "nope",
        BATCHBOT_GITHUB_THROTTLE: "false",
      }),
    ).toMatchObject({ retries: 5, timeoutMs: 1000, rateLimitRetries: 3, throttle: false });
  });
});
