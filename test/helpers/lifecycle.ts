import { GraphQLError } from "graphql";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { batchbot } from "../../src/app.js";
import { type BatchMeta, encodeBatchMeta } from "../../src/domain/batch.js";
import type { FakeGitHub, FakeIssue } from "./fake-github.js";
import { BOT, examplePayload, type Harness, repositoryPayload } from "./harness.js";

/**
 * The agent lifecycle's part of the fake GitHub: unassigning and removing sub-issues, as GitHub's GraphQL API answers
 * them — plus builders for batches, comment deletions and a second app instance.
 */
export function installLifecycleFake(fake: FakeGitHub): void {
  const subject = (id: string) => {
    const node = fake.node(id);
    if (!node?.issue) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
    return node as { repo: ReturnType<FakeGitHub["repo"]>; issue: FakeIssue };
  };
  const touch = (issue: FakeIssue) => {
    issue.updatedAt = new Date(Math.max(Date.parse(issue.updatedAt) + 1000, Date.now())).toISOString();
  };
  Object.assign(fake.extraMutation, {
    removeAssigneesFromAssignable: ({
      input,
    }: {
      input: { assignableId: string; assigneeIds: string[] };
    }) => {
      const { repo, issue } = subject(input.assignableId);
      const logins = input.assigneeIds.map((id) => id.replace(/^U_/, "").toLowerCase());
      issue.assignees = issue.assignees.filter((a) => !logins.includes(a.toLowerCase()));
      touch(issue);
      return { clientMutationId: null, assignable: fake.issueView(repo, issue) };
    },
    removeSubIssue: ({ input }: { input: { issueId: string; subIssueId: string } }) => {
      const parent = subject(input.issueId);
      const child = subject(input.subIssueId);
      if (child.issue.parent !== parent.issue.databaseId) throw notFound("Sub-issue not found");
      parent.issue.subIssues = parent.issue.subIssues.filter((id) => id !== child.issue.databaseId);
      child.issue.parent = null;
      return {
        clientMutationId: null,
        issue: fake.issueView(parent.repo, parent.issue),
        subIssue: fake.issueView(child.repo, child.issue),
      };
    },
  });
}

function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });
}

export interface SeededBatch {
  batch: FakeIssue;
  meta: BatchMeta;
}

/**
 * A batch issue as `/batch assign` opens it: the template's task list, the metadata, the `batch` label, the agent
 * assigned to it and to its SPECs, each SPEC not shared a sub-issue. The SPECs must exist.
 */
export function seedBatch(
  fake: FakeGitHub,
  fullName: string,
  options: {
    agent: string;
    specs: number[];
    shared?: number[];
    fixes?: number[];
    sequence?: number;
    number?: number;
  },
): SeededBatch {
  const shared = options.shared ?? [];
  const meta: BatchMeta = {
    v: 1,
    id: `${900 + (options.number ?? 0)}:${options.agent}`,
    agent: options.agent,
    sequence: options.sequence ?? 1,
    specs: options.specs,
    fixes: options.fixes ?? [],
    shared,
    sourceCommentId: 900,
    createdAt: "2026-11-25T10:00:00Z",
  };
  const lines = options.specs.map((n, i) => {
    const spec = fake.issue(fullName, n);
    return `- [ ] ${i + 1}. #${n} ${spec.title}`;
  });
  const body = [
    `# 🚀 BATCH ASSIGNMENT - @${options.agent}`,
    "",
    `## Mission: Complete ${options.specs.length} SPECs for rapid completion`,
    "",
    "## 📋 YOUR BATCH ASSIGNMENT:",
    "",
    ...lines,
    "",
    "Start investigation immediately.",
    encodeBatchMeta(meta),
    "",
  ].join("\n");
  const batch = fake.addIssue(fullName, {
    ...(options.number ? { number: options.number } : {}),
    title: `Batch ${meta.sequence} for @${options.agent}: ${options.specs.length} SPECs`,
    body,
    labels: ["batch"],
    assignees: [options.agent],
    author: "batchbot[bot]",
  });
  for (const n of options.specs) {
    const spec = fake.issue(fullName, n);
    if (!spec.assignees.includes(options.agent)) spec.assignees.push(options.agent);
    if (shared.includes(n)) continue;
    spec.parent = batch.databaseId;
    batch.subIssues.push(spec.databaseId);
  }
  return { batch, meta };
}

/** An `issue_comment.deleted` delivery for a comment the fake holds (the comment is removed). */
export function commentDeletedEvent(h: Harness, fullName: string, number: number, commentId: number) {
  const repo = h.fake.repo(fullName);
  const issue = h.fake.issue(fullName, number);
  const comment = issue.comments.find((c) => c.databaseId === commentId);
  if (!comment) throw new Error(`no comment ${commentId} on #${number}`);
  issue.comments = issue.comments.filter((c) => c !== comment);
  const base = examplePayload("issue_comment", "deleted");
  return {
    ...base,
    action: "deleted",
    issue: { ...base.issue, ...h.fake.restIssue(repo, issue) },
    comment: {
      ...base.comment,
      id: comment.databaseId,
      node_id: comment.id,
      body: comment.body,
      user: { ...base.comment.user, login: comment.author },
      author_association: comment.authorAssociation ?? base.comment.author_association,
    },
    repository: repositoryPayload(repo, base.repository),
    sender: { ...base.sender, login: comment.author },
    installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
  };
}

/**
 * A second app instance (its own process-local lock) talking to the same fake GitHub: what two replicas behind a
 * load balancer look like.
 */
export function secondInstance(): (name: string, payload: Record<string, any>) => Promise<void> {
  const probot = new Probot({
    githubToken: "test-token",
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  probot.load(batchbot({ botLogin: BOT }));
  let delivery = 0;
  return (name, payload) => probot.receive({ id: `second-${++delivery}`, name, payload } as never);
}
