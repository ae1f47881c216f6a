import { createRequire } from "node:module";
import { type Logger, pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { batchbot } from "../../src/app.js";
import type { BurstTiming } from "../../src/features/dependencies/bursts.js";
import { Metrics } from "../../src/infra/metrics.js";
import { type JobSettings, Jobs, localJobSettings } from "../../src/jobs/jobs.js";
import { type FakeCheckRun, FakeGitHub, type FakeIssue, type FakeRepo, GHOST } from "./fake-github.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;

export const BOT = "batchbot[bot]";
let delivery = 0;

/** A real payload from @octokit/webhooks-examples for `event`/`action`, deep-copied. */
export function examplePayload(event: string, action?: string): Record<string, any> {
  const group = examples.find((e) => e.name === event);
  if (!group) throw new Error(`no webhook example for ${event}`);
  const example = group.examples.find((e) => !action || e.action === action) ?? group.examples[0]!;
  const copy = structuredClone(example);
  if (action) copy.action = action;
  return copy;
}

export function repositoryPayload(repo: FakeRepo, base: Record<string, any>) {
  return {
    ...base,
    id: repo.databaseId,
    node_id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { ...(base.owner ?? {}), login: repo.owner },
    default_branch: "main",
  };
}

export interface Harness {
  probot: Probot;
  fake: FakeGitHub;
  /** What the app counts for `/metrics`. */
  metrics: Metrics;
  /** The periodic jobs, never on a timer here: tests call `jobs.redeliver()` and `jobs.reconcile()`. */
  jobs: Jobs;
  /** Delivers an event to the app, recorded in the fake's delivery log (200, or 500 when a handler failed). */
  receive(name: string, payload: Record<string, any>, id?: string): Promise<void>;
  /**
   * A delivery the app never handled (an instance restarting, a deploy): GitHub logs it failed with `status`
   * (502 unless told). Returns its GUID.
   */
  drop(name: string, payload: Record<string, any>, status?: number): string;
  /** Sends the redeliveries the app asked GitHub for, with their original GUIDs; how many were sent. */
  sendRedeliveries(): Promise<number>;
  issueEvent(
    fullName: string,
    number: number,
    action: string,
    extra?: Record<string, any>,
  ): Record<string, any>;
  /** Authors ending in `[bot]` are `Bot` accounts; `null` is a deleted account (no user on the comment). */
  commentEvent(fullName: string, number: number, author: string | null, body: string): Record<string, any>;
  /** A `pull_request` event for a pull request of the fake GitHub, as it is now. */
  pullRequestEvent(
    fullName: string,
    number: number,
    action: string,
    extra?: Record<string, any>,
  ): Record<string, any>;
  /** Adds a review to the fake GitHub and returns its `pull_request_review.submitted` event. */
  reviewEvent(
    fullName: string,
    number: number,
    reviewer: string,
    state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED",
  ): Record<string, any>;
  /** A `check_run` event for a check run of the fake GitHub. */
  checkRunEvent(fullName: string, run: FakeCheckRun, action?: string, sender?: string): Record<string, any>;
  statusEvent(fullName: string, sha: string, context: string, state: string): Record<string, any>;
}

export interface HarnessOptions {
  botLogin?: string;
  baseUrl?: string;
  /** The Octokit class; by default retries and throttling are off (see test/helpers/github-client.ts). */
  Octokit?: typeof ProbotOctokit;
  log?: Logger;
  hosts?: string[];
  /** Settings of `h.jobs` (no timers, an in-process lock and memory by default). */
  jobs?: Partial<JobSettings>;
  /**
   * How edits of one issue in a burst fold (src/features/dependencies/bursts.ts). By default no quiet period: an
   * edit runs at once unless a run of its issue is in flight (then once after it), so sequential tests don't wait.
   */
  editBursts?: BurstTiming;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const fake = new FakeGitHub(options.baseUrl).install();
  const probot = new Probot({
    githubToken: "test-token",
    log: options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    // A function, so it runs after Probot merges its own throttle options in (an object would be overridden,
    // and the throttler's one-second spacing of writes would slow every test down).
    Octokit:
      options.Octokit ??
      ProbotOctokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  const metrics = new Metrics();
  const jobs = new Jobs({ ...localJobSettings(), ...options.jobs });
  probot.load(
    batchbot({
      botLogin: options.botLogin ?? BOT,
      jobs,
      metrics,
      editBursts: options.editBursts ?? { quietMs: 0, maxWaitMs: 0 },
      ...(options.hosts ? { hosts: options.hosts } : {}),
    }),
  );
  const record = (guid: string, name: string, payload: Record<string, any>, status: number) =>
    fake.recordDelivery({
      guid,
      event: name,
      action: payload.action ?? null,
      status_code: status,
      redelivery: fake.deliveries.some((d) => d.guid === guid),
      installation_id: payload.installation?.id ?? null,
      repository_id: payload.repository?.id ?? null,
      payload,
    });

  const issuePayload = (repo: FakeRepo, issue: FakeIssue) => fake.restIssue(repo, issue);
  const harness: Harness = {
    probot,
    fake,
    metrics,
    jobs,
    async receive(name, payload, id) {
      const guid = id ?? `delivery-${++delivery}`;
      try {
        await probot.receive({ id: guid, name, payload } as never);
      } catch (error) {
        record(guid, name, payload, 500);
        throw error;
      }
      record(guid, name, payload, 200);
    },
    drop(name, payload, status = 502) {
      const guid = `delivery-${++delivery}`;
      record(guid, name, payload, status);
      return guid;
    },
    async sendRedeliveries() {
      const requested = fake.redeliveryRequests.splice(0);
      for (const d of requested) await harness.receive(d.event, d.payload, d.guid);
      return requested.length;
    },
    issueEvent(fullName, number, action, { sender = "octocat", ...extra } = {}) {
      const repo = fake.repo(fullName);
      const base = examplePayload("issues", action === "closed" || action === "reopened" ? "opened" : action);
      return {
        ...base,
        action,
        issue: { ...base.issue, ...issuePayload(repo, fake.issue(fullName, number)) },
        repository: repositoryPayload(repo, base.repository),
        sender: { ...base.sender, login: sender, type: sender.endsWith("[bot]") ? "Bot" : "User" },
        installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
        ...extra,
      };
    },
    commentEvent(fullName, number, author, body) {
      const repo = fake.repo(fullName);
      const issue = fake.issue(fullName, number);
      const comment = fake.addComment(fullName, number, author ?? GHOST, body);
      const base = examplePayload("issue_comment", "created");
      // `null`: a deleted account (GitHub may send its comments with no user at all).
      const user =
        author === null ? null : { ...base.comment.user, login: author, type: accountType(author) };
      const payload = {
        ...base,
        action: "created",
        issue: { ...base.issue, ...issuePayload(repo, issue) },
        comment: {
          ...base.comment,
          id: comment.databaseId,
          node_id: comment.id,
          body,
          user,
        },
        repository: repositoryPayload(repo, base.repository),
        sender: user ?? { ...base.sender, login: GHOST, type: "User" },
        installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
      };
      // The association the payload says is the one GitHub's API answers for the comment (a test may set it).
      comment.authorAssociation = base.comment.author_association;
      Object.defineProperty(payload.comment, "author_association", {
        enumerable: true,
        get: () => comment.authorAssociation,
        set: (value: string) => {
          comment.authorAssociation = value;
        },
      });
      return payload;
    },
    pullRequestEvent(fullName, number, action, extra = {}) {
      const repo = fake.repo(fullName);
      const issue = fake.issue(fullName, number);
      const base = examplePayload("pull_request", action === "closed" ? "opened" : action);
      return {
        ...base,
        action,
        number,
        pull_request: pullRequestPayload(repo, issue, base.pull_request),
        repository: repositoryPayload(repo, base.repository),
        sender: { ...base.sender, login: extra.sender ?? issue.author, type: "User" },
        installation: INSTALLATION,
        ...extra,
      };
    },
    reviewEvent(fullName, number, reviewer, state) {
      const repo = fake.repo(fullName);
      const issue = fake.issue(fullName, number);
      const review = fake.addReview(fullName, number, reviewer, state);
      const base = examplePayload("pull_request_review", "submitted");
      return {
        ...base,
        action: "submitted",
        review: {
          ...base.review,
          id: review.databaseId,
          node_id: review.id,
          user: { ...base.review.user, login: reviewer },
          body: review.body,
          commit_id: review.commitSha,
          submitted_at: review.submittedAt,
          state: state.toLowerCase(),
        },
        pull_request: pullRequestPayload(repo, issue, base.pull_request),
        repository: repositoryPayload(repo, base.repository),
        sender: { ...base.sender, login: reviewer, type: "User" },
        installation: INSTALLATION,
      };
    },
    checkRunEvent(fullName, run, action = "completed", sender = "github-actions[bot]") {
      const repo = fake.repo(fullName);
      const base = examplePayload("check_run", action);
      const pulls = [...repo.issues.values()].filter((i) => i.pullRequest?.headSha === run.headSha);
      const pullTemplate = examplePayload("check_run", "completed").check_run.pull_requests[0];
      return {
        ...base,
        action,
        check_run: {
          ...base.check_run,
          id: run.id,
          name: run.name,
          head_sha: run.headSha,
          status: run.status,
          conclusion: run.conclusion,
          app: { ...base.check_run.app, slug: run.app ?? "github-actions" },
          pull_requests: pulls.map((p) => ({
            ...pullTemplate,
            number: p.number,
            head: { ...pullTemplate.head, sha: run.headSha },
          })),
        },
        repository: repositoryPayload(repo, base.repository),
        sender: { ...base.sender, login: sender, type: sender.endsWith("[bot]") ? "Bot" : "User" },
        installation: INSTALLATION,
      };
    },
    statusEvent(fullName, sha, context, state) {
      const repo = fake.repo(fullName);
      fake.addStatus(fullName, sha, context, state);
      const base = examplePayload("status");
      return {
        ...base,
        sha,
        context,
        state,
        repository: repositoryPayload(repo, base.repository),
        sender: { ...base.sender, login: "ci-bot", type: "User" },
        installation: INSTALLATION,
      };
    },
  };
  return harness;
}

/** GitHub's account type for a login: apps act as `name[bot]` accounts of type `Bot`. */
export function accountType(login: string): "Bot" | "User" {
  return login.endsWith("[bot]") ? "Bot" : "User";
}

const INSTALLATION = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };

function pullRequestPayload(repo: FakeRepo, issue: FakeIssue, base: Record<string, any>) {
  const pr = issue.pullRequest;
  if (!pr) throw new Error(`#${issue.number} is no pull request`);
  return {
    ...base,
    id: issue.databaseId,
    node_id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state.toLowerCase(),
    draft: pr.isDraft ?? false,
    merged: pr.merged,
    user: { ...base.user, login: issue.author },
    head: { ...base.head, sha: pr.headSha },
    base: { ...base.base, ref: pr.baseRef, repo: repositoryPayload(repo, base.base.repo) },
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${issue.number}`,
  };
}
