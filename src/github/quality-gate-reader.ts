import { parseClosingReferences } from "../domain/closing-references.js";
import { type CommitCheck, e2eStatusOf } from "../domain/e2e-status.js";
import { sameLogin } from "../domain/login.js";
import type { GatePullRequest, GateReview, ReviewState } from "../domain/quality-gate.js";
import { GATE_CHECK } from "../domain/quality-gate-report.js";
import { type RepoRef, sameRepo } from "../domain/references.js";
import type { IssueState, StateReason } from "../domain/spec.js";
import { type CommentRecord, type StageCommand, stageCommandsOf } from "../domain/stage-commands.js";
import { STICKY_MARKER } from "../domain/sticky.js";
import type { ExistingCheckRun } from "./checks.js";
import { chunk, type GitHub, graphqlPartial, type Nodes, nodesOf } from "./graphql.js";
import type { ExistingComment } from "./issue-writer.js";

const REVIEW = "id author { login } state submittedAt authorCanPushToRepository commit { oid tree { oid } }";

const PULL_REQUEST = /* GraphQL */ `
  fragment GatePullRequest on PullRequest {
    id number state isDraft body headRefOid
    author { login }
    repository { owner { login } name }
    latestOpinionatedReviews(first: 100) { nodes { ${REVIEW} } }
    reviews(last: 100) { nodes { ${REVIEW} } }
    commits(last: 1) {
      nodes {
        commit {
          oid
          tree { oid }
          statusCheckRollup {
            contexts(first: 100) {
              nodes {
                __typename
                ... on CheckRun {
                  databaseId name status conclusion title summary startedAt completedAt
                  checkSuite { app { slug } }
                }
                ... on StatusContext { context state createdAt }
              }
            }
          }
        }
      }
    }
  }
`;

const SPEC = /* GraphQL */ `
  fragment GateSpec on Issue {
    id number title state stateReason
    repository { owner { login } name }
    labels(first: 50) { nodes { name } }
    assignees(first: 20) { nodes { login } }
    comments(last: 100) {
      pageInfo { hasPreviousPage }
      nodes { id body createdAt author { login } editor { login } }
    }
    closedByPullRequestsReferences(first: 10, includeClosedPrs: true) { nodes { ...GatePullRequest } }
    timelineItems(itemTypes: [CROSS_REFERENCED_EVENT], last: 20) {
      nodes { ... on CrossReferencedEvent { source { ... on PullRequest { ...GatePullRequest } } } }
    }
    closedEvents: timelineItems(itemTypes: [CLOSED_EVENT], last: 1) {
      nodes { ... on ClosedEvent { actor { login } } }
    }
    subIssues(first: 100) { nodes { number } }
    parent {
      number
      labels(first: 50) { nodes { name } }
      closedByPullRequestsReferences(first: 10, includeClosedPrs: true) { nodes { ...GatePullRequest } }
    }
  }
`;

const LABELS = `
      inReview: label(name: $inReview) { id name }
      changesRequested: label(name: $changesRequested) { id name }
      validated: label(name: $validated) { id name }
      openBatches: issues(labels: [$batch], states: OPEN) { totalCount }
      openDashboards: issues(labels: [$dashboard], states: OPEN) { totalCount }`;

/** The variables `LABELS` needs. */
const LABEL_VARIABLES =
  "$inReview: String!, $changesRequested: String!, $validated: String!, $batch: String!, $dashboard: String!";

/** One pull request, the SPECs it closes (GitHub's links, plus `extra` numbers its body names) and theirs PRs. */
export function pullRequestGateDocument(extra: number): string {
  const variables = Array.from({ length: extra }, (_, i) => `, $s${i}: Int!`).join("");
  const fields = Array.from(
    { length: extra },
    (_, i) => `      s${i}: issueOrPullRequest(number: $s${i}) { ... on Issue { ...GateSpec } }`,
  ).join("\n");
  return `query BatchbotGatePullRequest($owner: String!, $name: String!, $number: Int!, ${LABEL_VARIABLES}${variables}) {
    repository(owner: $owner, name: $name) {
      id${LABELS}
      pullRequest(number: $number) {
        ...GatePullRequest
        closingIssuesReferences(first: 25) { nodes { ...GateSpec } }
      }
${fields}
    }
  }
${PULL_REQUEST}${SPEC}`;
}

/** SPEC issues by number, with their pull requests. */
export function specGateDocument(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `, $s${i}: Int!`).join("");
  const fields = Array.from(
    { length: count },
    (_, i) => `      s${i}: issueOrPullRequest(number: $s${i}) { ... on Issue { ...GateSpec } }`,
  ).join("\n");
  return `query BatchbotGateSpecs($owner: String!, $name: String!, ${LABEL_VARIABLES}${variables}) {
    repository(owner: $owner, name: $name) {
      id${LABELS}
${fields}
    }
  }
${PULL_REQUEST}${SPEC}`;
}

interface RepositoryNode {
  owner: { login: string };
  name: string;
}

interface ReviewNode {
  id: string;
  author: { login: string } | null;
  state: ReviewState;
  submittedAt: string | null;
  authorCanPushToRepository: boolean;
  commit: { oid: string; tree: { oid: string } } | null;
}

type ContextNode =
  | {
      __typename: "CheckRun";
      databaseId: number | null;
      name: string;
      status: string;
      conclusion: string | null;
      title: string | null;
      summary: string | null;
      startedAt: string | null;
      completedAt: string | null;
      checkSuite: { app: { slug: string } | null };
    }
  | { __typename: "StatusContext"; context: string; state: string; createdAt: string };

interface PullRequestNode {
  id: string;
  number: number;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  body: string;
  headRefOid: string;
  author: { login: string } | null;
  repository: RepositoryNode;
  latestOpinionatedReviews: { nodes: ReviewNode[] } | null;
  reviews: { nodes: ReviewNode[] } | null;
  commits: {
    nodes: Array<{
      commit: {
        oid: string;
        tree: { oid: string };
        statusCheckRollup: { contexts: { nodes: Array<ContextNode | null> } } | null;
      };
    }>;
  };
}

interface SpecNode {
  id: string;
  number: number;
  title: string;
  state: IssueState;
  stateReason: StateReason;
  repository: RepositoryNode;
  labels: { nodes: Array<{ name: string }> } | null;
  assignees: { nodes: Array<{ login: string }> } | null;
  comments: {
    pageInfo: { hasPreviousPage: boolean };
    nodes: Array<{
      id: string;
      body: string;
      createdAt: string;
      author: { login: string } | null;
      editor: { login: string } | null;
    }>;
  };
  closedByPullRequestsReferences: { nodes: Array<PullRequestNode | null> } | null;
  timelineItems: { nodes: Array<{ source?: Partial<PullRequestNode> } | null> };
  /** The SPEC's last close: who closed it (`null` actor: a deleted account). */
  closedEvents?: { nodes: Array<{ actor?: { login: string } | null } | null> } | null;
  /** A batch issue's SPECs (its sub-issues); empty for a SPEC. */
  subIssues?: { nodes: Array<{ number: number } | null> } | null;
  /** The SPEC's parent: its batch issue, whose closing pull requests count for each of its SPECs. */
  parent?: {
    number: number;
    labels: { nodes: Array<{ name: string }> } | null;
    closedByPullRequestsReferences: { nodes: Array<PullRequestNode | null> } | null;
  } | null;
}

function hasBatchLabel(node: { labels: Nodes<{ name: string }> }, batch: string): boolean {
  return nodesOf(node.labels).some((l) => l.name.toLowerCase() === batch.toLowerCase());
}

/** The SPECs a batch issue among a pull request's closing issues holds: its sub-issues. */
function batchSpecNumbers(node: SpecNode, batch: string): number[] {
  if (!hasBatchLabel(node, batch)) return [];
  return nodesOf(node.subIssues).map((n) => n.number);
}

type LabelNode = { id: string; name: string } | null;

interface GateData {
  repository: {
    id: string;
    inReview: LabelNode;
    changesRequested: LabelNode;
    validated: LabelNode;
    openBatches: { totalCount: number } | null;
    openDashboards: { totalCount: number } | null;
    pullRequest?:
      | (PullRequestNode & { closingIssuesReferences: { nodes: Array<SpecNode | null> } | null })
      | null;
    [alias: `s${number}`]: SpecNode | Record<string, never> | null;
  } | null;
}

/** A pull request as the gate reads it. */
export interface PullRequestView {
  id: string;
  gate: GatePullRequest;
  body: string;
  /** batchbot's own quality gate run on the head commit, if there is one. */
  gateRun: ExistingCheckRun | null;
  /** SPEC numbers (this repository) GitHub links to the pull request; filled for the evaluated pull request. */
  closing: number[];
  /** Logins (lower-cased) of its reviewers that can push to the repository (write access or more). */
  pushers: Set<string>;
}

export interface SpecView {
  id: string;
  number: number;
  title: string;
  state: IssueState;
  stateReason: StateReason;
  labels: string[];
  assignees: string[];
  commands: StageCommand[];
  /** Pull requests of this repository that close the SPEC (GitHub's links or a closing keyword in their body). */
  pullRequests: PullRequestView[];
  /** batchbot's sticky comment on the SPEC, found among the comments read anyway. */
  sticky: ExistingComment | null;
  /**
   * Other pull requests of this repository that mentioned the SPEC (GitHub's cross-references, kept after the
   * mention is edited away) and don't close it now.
   */
  mentionedBy: PullRequestView[];
  /** Who closed the SPEC last (`ghost`: a deleted account); `null` while it was never closed. */
  closedBy: string | null;
}

/** What progress tracking has to follow in the repository, read along with the gate at no extra request. */
export interface ProgressPresence {
  /** Open issues with the batch label. */
  openBatches: number;
  /** Open issues with the dashboard label. */
  openDashboards: number;
}

export interface GateSnapshot {
  repositoryId: string;
  labelIds: Map<string, string>;
  /** `null` until read. */
  progress: ProgressPresence | null;
  pullRequest: PullRequestView | null;
  specs: Map<number, SpecView>;
  requests: number;
}

export interface GateLabels {
  inReview: string;
  changesRequested: string;
  validated: string;
  /** Batch and dashboard labels: only counted (`ProgressPresence`). */
  batch: string;
  dashboard: string;
}

export interface GateReadContext {
  octokit: GitHub;
  repo: RepoRef;
  hosts: readonly string[];
  botLogin: string;
  labels: GateLabels;
}

function toReview(node: ReviewNode): GateReview | null {
  if (!node.author || !node.submittedAt) return null;
  return {
    author: node.author.login,
    state: node.state,
    commit: node.commit?.oid ?? null,
    tree: node.commit?.tree.oid ?? null,
    submittedAt: node.submittedAt,
  };
}

function toCheck(node: ContextNode): CommitCheck {
  if (node.__typename === "StatusContext")
    return { kind: "status", name: node.context, state: node.state, at: node.createdAt };
  return {
    kind: "check-run",
    name: node.name,
    status: node.status,
    conclusion: node.conclusion,
    at: node.completedAt ?? node.startedAt,
  };
}

function toPullRequest(
  node: PullRequestNode,
  ctx: GateReadContext,
  e2eCheck: string | null,
): PullRequestView {
  const head = nodesOf(node.commits).at(-1)?.commit;
  const atHead = head?.oid === node.headRefOid ? head : null;
  const contexts = nodesOf(atHead?.statusCheckRollup?.contexts);
  const slug = ctx.botLogin.replace(/\[bot\]$/, "");
  const own = contexts.find(
    (c): c is Extract<ContextNode, { __typename: "CheckRun" }> =>
      c.__typename === "CheckRun" &&
      c.name === GATE_CHECK &&
      !!c.checkSuite.app &&
      sameLogin(c.checkSuite.app.slug, slug),
  );
  const seen = new Set<string>();
  const reviews: GateReview[] = [];
  const pushers = new Set<string>();
  for (const r of [...nodesOf(node.latestOpinionatedReviews), ...nodesOf(node.reviews)]) {
    const review = toReview(r);
    if (review && r.authorCanPushToRepository) pushers.add(review.author.toLowerCase());
    if (review && !seen.has(r.id)) {
      seen.add(r.id);
      reviews.push(review);
    }
  }
  return {
    id: node.id,
    body: node.body ?? "",
    gateRun:
      own?.databaseId != null
        ? {
            id: own.databaseId,
            status: own.status.toLowerCase(),
            conclusion: own.conclusion?.toLowerCase() ?? null,
            title: own.title,
            summary: own.summary,
          }
        : null,
    closing: [],
    pushers,
    gate: {
      number: node.number,
      author: node.author?.login ?? "ghost",
      state: node.state,
      isDraft: node.isDraft,
      headSha: node.headRefOid,
      headTree: atHead?.tree.oid ?? null,
      reviews,
      e2e: e2eCheck ? e2eStatusOf(contexts.map(toCheck), e2eCheck) : "missing",
    },
  };
}

/**
 * A SPEC's pull requests in this repository: those that close it (GitHub's links, its batch issue's, a closing
 * keyword in a cross-referencing body) and those that only mention it (or mentioned it before an edit).
 */
function pullRequestNodes(node: SpecNode, ctx: GateReadContext) {
  const closing = new Map<number, PullRequestNode>();
  const own = (pr: { repository: RepositoryNode }) =>
    sameRepo({ owner: pr.repository.owner.login, repo: pr.repository.name }, ctx.repo);
  // A pull request that closes the SPEC's batch issue counts for every SPEC of the batch.
  const batchPrs =
    node.parent && hasBatchLabel(node.parent, ctx.labels.batch)
      ? nodesOf(node.parent.closedByPullRequestsReferences)
      : [];
  for (const pr of [...nodesOf(node.closedByPullRequestsReferences), ...batchPrs])
    if (pr && own(pr)) closing.set(pr.number, pr);
  const mentioned = new Map<number, PullRequestNode>();
  for (const item of nodesOf(node.timelineItems)) {
    const pr = item?.source as PullRequestNode | undefined;
    if (!pr?.number || !pr.repository || closing.has(pr.number) || !own(pr)) continue;
    const closes = parseClosingReferences(pr.body, ctx.repo, ctx.hosts).some(
      (ref) => sameRepo(ref, ctx.repo) && ref.number === node.number,
    );
    if (closes) closing.set(pr.number, pr);
    else mentioned.set(pr.number, pr);
  }
  for (const number of closing.keys()) mentioned.delete(number);
  return { closing, mentioned };
}

async function toSpec(
  node: SpecNode,
  ctx: GateReadContext,
  e2eCheck: string | null,
): Promise<{ spec: SpecView; requests: number }> {
  let requests = 0;
  let comments: Array<CommentRecord & { id: string }> = nodesOf(node.comments).map((c) => ({
    id: c.id,
    author: c.author?.login ?? null,
    editor: c.editor?.login ?? null,
    body: c.body,
    createdAt: c.createdAt,
  }));
  if (node.comments.pageInfo.hasPreviousPage) {
    // A long discussion: read every comment so an early approval is not lost. REST names no editor, so the
    // recent comments keep the GraphQL answer.
    requests++;
    const all = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
      owner: ctx.repo.owner,
      repo: ctx.repo.repo,
      issue_number: node.number,
      per_page: 100,
    });
    const recent = new Map(comments.map((c) => [c.id, c]));
    comments = all.map(
      (c) =>
        recent.get(c.node_id) ?? {
          id: c.node_id,
          author: c.user?.login ?? null,
          editor: null,
          body: c.body ?? "",
          createdAt: c.created_at,
        },
    );
  }
  const isSelf = (login: string) => sameLogin(login, ctx.botLogin);
  const sticky = comments.find((c) => c.author && isSelf(c.author) && c.body.includes(STICKY_MARKER));
  const { closing, mentioned } = pullRequestNodes(node, ctx);
  const closes = nodesOf(node.closedEvents);
  return {
    requests,
    spec: {
      id: node.id,
      number: node.number,
      title: node.title,
      state: node.state,
      stateReason: node.stateReason,
      labels: nodesOf(node.labels).map((l) => l.name),
      assignees: nodesOf(node.assignees).map((a) => a.login),
      commands: stageCommandsOf(comments, isSelf),
      pullRequests: [...closing.values()].map((pr) => toPullRequest(pr, ctx, e2eCheck)),
      sticky: sticky ? { id: sticky.id, body: sticky.body } : null,
      mentionedBy: [...mentioned.values()].map((pr) => toPullRequest(pr, ctx, e2eCheck)),
      closedBy: closes.length ? (closes.at(-1)!.actor?.login ?? "ghost") : null,
    },
  };
}

function isSpecNode(node: unknown): node is SpecNode {
  return !!node && typeof (node as SpecNode).number === "number";
}

async function collect(
  data: GateData,
  ctx: GateReadContext,
  e2eCheck: string | null,
  specNodes: Array<SpecNode | null | undefined | Record<string, never>>,
  snapshot: GateSnapshot,
) {
  const repository = data.repository;
  if (!repository) throw new Error(`repository ${ctx.repo.owner}/${ctx.repo.repo} is not readable`);
  snapshot.repositoryId = repository.id;
  snapshot.progress = {
    openBatches: repository.openBatches?.totalCount ?? 0,
    openDashboards: repository.openDashboards?.totalCount ?? 0,
  };
  for (const label of [repository.inReview, repository.changesRequested, repository.validated])
    if (label) snapshot.labelIds.set(label.name.toLowerCase(), label.id);
  for (const node of specNodes) {
    if (
      !isSpecNode(node) ||
      !sameRepo({ owner: node.repository.owner.login, repo: node.repository.name }, ctx.repo)
    )
      continue;
    if (snapshot.specs.has(node.number)) continue;
    const { spec, requests } = await toSpec(node, ctx, e2eCheck);
    snapshot.requests += requests;
    snapshot.specs.set(node.number, spec);
  }
}

function labelVariables(labels: GateLabels) {
  return {
    inReview: labels.inReview,
    changesRequested: labels.changesRequested,
    validated: labels.validated,
    batch: labels.batch,
    dashboard: labels.dashboard,
  };
}

/** An empty snapshot that has cost the one request about to be made. */
function oneRequestSnapshot(): GateSnapshot {
  return {
    repositoryId: "",
    labelIds: new Map(),
    progress: null,
    pullRequest: null,
    specs: new Map(),
    requests: 1,
  };
}

/**
 * Everything the gate needs about one pull request, in one request: the pull request with its reviews and head
 * commit checks, every SPEC it closes (GitHub's links, plus `bodyNumbers` the caller found in the body it was sent)
 * with their comments, and those SPECs' other pull requests. SPECs its current body names that the caller didn't
 * know of cost one more request.
 */
export async function readPullRequestGate(
  ctx: GateReadContext,
  number: number,
  bodyNumbers: readonly number[],
  e2eCheck: string | null,
): Promise<GateSnapshot> {
  const snapshot = oneRequestSnapshot();
  const known = [...new Set(bodyNumbers)].filter((n) => n !== number);
  const variables: Record<string, unknown> = {
    owner: ctx.repo.owner,
    name: ctx.repo.repo,
    number,
    ...labelVariables(ctx.labels),
  };
  known.forEach((n, i) => {
    variables[`s${i}`] = n;
  });
  const { data } = await graphqlPartial<GateData>(
    ctx.octokit,
    pullRequestGateDocument(known.length),
    variables,
  );
  const node = data.repository?.pullRequest;
  if (!node) throw new Error(`pull request #${number} is not readable`);
  const closingNodes = nodesOf(node.closingIssuesReferences);
  await collect(
    data,
    ctx,
    e2eCheck,
    [...closingNodes, ...known.map((_, i) => data.repository?.[`s${i}`])],
    snapshot,
  );
  const view = toPullRequest(node, ctx, e2eCheck);
  const named = parseClosingReferences(view.body, ctx.repo, ctx.hosts)
    .filter((ref) => sameRepo(ref, ctx.repo) && ref.number !== number)
    .map((ref) => ref.number);
  const linked = closingNodes
    .filter(isSpecNode)
    .filter((s) => sameRepo({ owner: s.repository.owner.login, repo: s.repository.name }, ctx.repo));
  const linkedByGitHub = linked.map((s) => s.number);
  // Closing a batch issue closes none of its SPECs, but the pull request does the batch's work: it counts for each.
  const namedNodes = known.map((_, i) => data.repository?.[`s${i}`]).filter(isSpecNode);
  const viaBatch = [...linked, ...namedNodes].flatMap((s) => batchSpecNumbers(s, ctx.labels.batch));
  view.closing = [...new Set([...linkedByGitHub, ...named, ...viaBatch])];
  snapshot.pullRequest = view;
  const missing = [...new Set([...named, ...viaBatch])].filter(
    (n) => n !== number && !known.includes(n) && !snapshot.specs.has(n),
  );
  if (missing.length) {
    const more = await readSpecGates(ctx, missing, e2eCheck);
    snapshot.requests += more.requests;
    for (const [n, spec] of more.specs) snapshot.specs.set(n, spec);
  }
  return snapshot;
}

/** SPECs read per request (each brings its comments and pull requests). */
const SPECS_PER_READ = 20;

/** SPEC issues with their comments and pull requests: one request per 20 SPECs (none when there are none). */
export async function readSpecGates(
  ctx: GateReadContext,
  numbers: readonly number[],
  e2eCheck: string | null,
): Promise<GateSnapshot> {
  const snapshot = oneRequestSnapshot();
  snapshot.requests = 0;
  for (const group of chunk(numbers, SPECS_PER_READ)) {
    const variables: Record<string, unknown> = {
      owner: ctx.repo.owner,
      name: ctx.repo.repo,
      ...labelVariables(ctx.labels),
    };
    group.forEach((n, i) => {
      variables[`s${i}`] = n;
    });
    const { data } = await graphqlPartial<GateData>(ctx.octokit, specGateDocument(group.length), variables);
    snapshot.requests += 1;
    const nodes = group.map((_, i) => data.repository?.[`s${i}`]);
    await collect(data, ctx, e2eCheck, nodes, snapshot);
  }
  return snapshot;
}

/** Open pull requests of this repository whose head is `sha` (for commit statuses, which name no pull request). */
export async function pullRequestsForCommit(octokit: GitHub, repo: RepoRef, sha: string): Promise<number[]> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: repo.owner,
    repo: repo.repo,
    commit_sha: sha,
    per_page: 100,
  });
  return data.filter((pr) => pr.state === "open" && pr.head.sha === sha).map((pr) => pr.number);
}
