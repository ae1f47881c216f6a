import { type BatchMeta, decodeBatchMeta } from "../domain/batch.js";
import type { CountableComment } from "../domain/batch-messages.js";
import type { RepoRef } from "../domain/references.js";
import type { IssueRecord } from "../domain/spec.js";
import { chunk, type GitHub, graphqlPartial, nodesOf } from "./graphql.js";
import { toIssueRecord } from "./registry-reader.js";

/** A SPEC as the lifecycle reads it: the registry's record, its assignees' node ids and its parent issue. */
export interface SpecState extends IssueRecord {
  /** Node ids of its assignees, by lower-cased login (to unassign an agent). */
  assigneeIds: Map<string, string>;
  /** The issue whose sub-issue it is (its batch, for a SPEC that isn't shared). */
  parent: number | null;
  /** Every comment on the SPEC (its batch's SPEC messages are recounted from them); absent when not read. */
  comments?: CountableComment[];
  /** Where the comments continue when the SPEC has more than one page of them. */
  commentsAfter?: string | null;
}

export interface BatchState {
  id: string;
  number: number;
  state: "OPEN" | "CLOSED";
  body: string;
  labels: string[];
  /** `null` for an issue with the batch label but no batch metadata (made by hand). */
  meta: BatchMeta | null;
  subIssues: Set<number>;
  /** Every comment on the issue (its messages are counted from them); absent when not read. */
  comments?: CountableComment[];
  /** Where the comments continue when the issue has more than one page of them (read by `readBatchStates`). */
  commentsAfter?: string | null;
  /** When GitHub created the issue, read with its SPECs' comments (their messages count from then on). */
  createdAt?: string;
}

/** What one event needs: the batches it touches, their SPECs, and the ids of the labels it may write. */
export interface BatchSnapshot {
  repositoryId: string;
  /** Node ids of the requested labels, by lower-cased name (absent: the repository lacks the label). */
  labelIds: Map<string, string>;
  batches: Map<number, BatchState>;
  specs: Map<number, SpecState>;
  requests: number;
}

const SPEC_FIELDS = `id databaseId number title body state stateReason createdAt updatedAt closedAt
    labels(first: 50) { nodes { name } }
    assignees(first: 20) { nodes { id login } }
    parent { number }`;
export const COMMENT_PAGE = `pageInfo { hasNextPage endCursor }
      nodes { databaseId createdAt authorAssociation author { __typename login } }`;
const BATCH_FIELDS = `id number state body createdAt
    labels(first: 50) { nodes { name } }
    subIssues(first: 100) { nodes { number } }
    comments(first: 100) { ${COMMENT_PAGE} }`;

/** A SPEC's comments, read when its batch's SPEC messages are recounted (`/batch sync`, the reconcile sweep). */
const SPEC_COMMENTS = `
    messages: comments(first: 100) { ${COMMENT_PAGE} }`;

/** The comments of an issue after the first page. */
export const BATCH_COMMENTS_QUERY = `query BatchbotBatchComments($id: ID!, $cursor: String) {
  node(id: $id) { ... on Issue { comments(first: 100, after: $cursor) { ${COMMENT_PAGE} } } }
}`;

interface CommentNode {
  databaseId: number | null;
  createdAt?: string | null;
  authorAssociation: string;
  author: { __typename: string; login: string } | null;
}

export interface CommentPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<CommentNode | null> | null;
}

interface SpecNode {
  id: string;
  databaseId: number | null;
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED";
  stateReason: IssueRecord["stateReason"];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  labels: { nodes: Array<{ name: string }> } | null;
  assignees: { nodes: Array<{ id: string; login: string }> } | null;
  parent: { number: number } | null;
  messages?: CommentPage | null;
}

interface BatchNode {
  id: string;
  number: number;
  state: "OPEN" | "CLOSED";
  body: string;
  labels: { nodes: Array<{ name: string }> } | null;
  subIssues: { nodes: Array<{ number: number }> } | null;
  comments: CommentPage | null;
  createdAt?: string;
}

function labelHeader(labelCount: number) {
  return {
    variables: Array.from({ length: labelCount }, (_, i) => `, $l${i}: String!`).join(""),
    fields: Array.from({ length: labelCount }, (_, i) => `    l${i}: label(name: $l${i}) { id name }`).join(
      "\n",
    ),
  };
}

/** Batch issues (`b0`, ...) and SPECs (`s0`, ...) by number, with label ids, in one document. */
export function batchStatesDocument(
  batchCount: number,
  specCount: number,
  labelCount: number,
  specComments = false,
): string {
  const labels = labelHeader(labelCount);
  const variables = [
    ...Array.from({ length: batchCount }, (_, i) => `, $b${i}: Int!`),
    ...Array.from({ length: specCount }, (_, i) => `, $s${i}: Int!`),
  ].join("");
  const fields = [
    ...Array.from({ length: batchCount }, (_, i) => `    b${i}: issue(number: $b${i}) { ${BATCH_FIELDS} }`),
    ...Array.from(
      { length: specCount },
      (_, i) => `    s${i}: issue(number: $s${i}) { ${SPEC_FIELDS}${specComments ? SPEC_COMMENTS : ""} }`,
    ),
  ].join("\n");
  return `query BatchbotBatchStates($owner: String!, $name: String!${labels.variables}${variables}) {
  repository(owner: $owner, name: $name) {
    id
${labels.fields}
${fields}
  }
}`;
}

/** SPECs, each with its parent issue and the parent's sub-issues: SPECs' batches and their SPECs, in one request. */
export function specBatchDocument(labelCount: number, specCount = 1): string {
  const labels = labelHeader(labelCount);
  const variables = Array.from({ length: specCount }, (_, i) => `, $s${i}: Int!`).join("");
  const fields = Array.from(
    { length: specCount },
    (_, i) => `    s${i}: issue(number: $s${i}) {
      ${SPEC_FIELDS}
      parent { ${BATCH_FIELDS} subIssues(first: 100) { nodes { ${SPEC_FIELDS} } } }
    }`,
  ).join("\n");
  return `query BatchbotSpecBatch($owner: String!, $name: String!${labels.variables}${variables}) {
  repository(owner: $owner, name: $name) {
    id
${labels.fields}
${fields}
  }
}`;
}

type RepositoryData = {
  id: string;
  [alias: string]: unknown;
} | null;

function emptySnapshot(): BatchSnapshot {
  return { repositoryId: "", labelIds: new Map(), batches: new Map(), specs: new Map(), requests: 0 };
}

function toSpecState(node: SpecNode): SpecState {
  return {
    ...toIssueRecord({ ...node, assignees: node.assignees }),
    assigneeIds: new Map(nodesOf(node.assignees).map((a) => [a.login.toLowerCase(), a.id])),
    parent: node.parent?.number ?? null,
    ...(node.messages ? commentsOf(node.messages) : {}),
  };
}

function toBatchState(node: BatchNode): BatchState {
  return {
    id: node.id,
    number: node.number,
    state: node.state,
    body: node.body ?? "",
    labels: nodesOf(node.labels).map((l) => l.name),
    meta: decodeBatchMeta(node.body),
    subIssues: new Set(nodesOf(node.subIssues).map((s) => s.number)),
    ...(node.comments ? commentsOf(node.comments) : {}),
    ...(node.createdAt ? { createdAt: node.createdAt } : {}),
  };
}

/** GraphQL shows apps' bots without `[bot]`; the webhooks (and `sameLogin`) with it. */
function toCountable(node: CommentNode): CountableComment | null {
  if (node.databaseId == null) return null;
  const author = node.author;
  const login =
    author && author.__typename === "Bot" && !author.login.endsWith("[bot]")
      ? `${author.login}[bot]`
      : author?.login;
  return {
    id: node.databaseId,
    author: author && login ? { login, type: author.__typename } : null,
    association: node.authorAssociation,
    ...(node.createdAt ? { createdAt: node.createdAt } : {}),
  };
}

export function commentsOf(page: CommentPage): Pick<BatchState, "comments" | "commentsAfter"> {
  return {
    comments: nodesOf(page).flatMap((n) => toCountable(n) ?? []),
    commentsAfter: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
  };
}

/** Pages of comments on an issue (a batch issue or a SPEC) beyond what was read. */
type WithComments = { id: string; comments?: CountableComment[]; commentsAfter?: string | null };

/** The rest of one issue's comments: one request per 100 more. */
async function readRest(octokit: GitHub, snapshot: BatchSnapshot, issue: WithComments): Promise<void> {
  while (issue.commentsAfter) {
    snapshot.requests++;
    const data = await octokit.graphql<{ node: { comments?: CommentPage } | null }>(BATCH_COMMENTS_QUERY, {
      id: issue.id,
      cursor: issue.commentsAfter,
    });
    const page = data.node?.comments;
    if (!page) {
      issue.commentsAfter = null;
      break;
    }
    const more = commentsOf(page);
    issue.comments = [...(issue.comments ?? []), ...(more.comments ?? [])];
    issue.commentsAfter = more.commentsAfter ?? null;
  }
}

/**
 * The rest of the comments of each open batch issue with more than 100 of them, and of each SPEC of an open batch
 * whose comments were read and go on: one request per 100 more. Issues with the batch label and no metadata, and
 * closed batches (and their SPECs), are left as read.
 */
export async function readMoreComments(octokit: GitHub, snapshot: BatchSnapshot): Promise<void> {
  const specs = new Set<number>();
  for (const batch of snapshot.batches.values()) {
    if (!batch.meta || batch.state !== "OPEN") continue;
    await readRest(octokit, snapshot, batch);
    for (const n of batch.meta.specs) specs.add(n);
  }
  for (const n of specs) {
    const spec = snapshot.specs.get(n);
    if (spec) await readRest(octokit, snapshot, spec);
  }
}

function collectHeader(snapshot: BatchSnapshot, repository: RepositoryData, labelCount: number) {
  if (!repository) return;
  snapshot.repositoryId = repository.id;
  for (let i = 0; i < labelCount; i++) {
    const label = repository[`l${i}`] as { id: string; name: string } | null | undefined;
    if (label) snapshot.labelIds.set(label.name.toLowerCase(), label.id);
  }
}

const isIssue = (node: unknown): node is { number: number } =>
  !!node && typeof (node as { number?: unknown }).number === "number";

/**
 * Batch issues and SPECs by number, 50 of them per request (one request for a batch and its SPECs), with the SPECs'
 * comments when asked (`specComments`). An issue that doesn't exist (deleted, transferred, a pull request) is simply
 * missing from the result.
 */
export async function readBatchStates(
  octokit: GitHub,
  repo: RepoRef,
  numbers: { batches: readonly number[]; specs: readonly number[] },
  labelNames: readonly string[],
  what: { specComments?: boolean } = {},
): Promise<BatchSnapshot> {
  const snapshot = emptySnapshot();
  const items = [
    ...[...new Set(numbers.batches)].map((n) => ({ kind: "b" as const, n })),
    ...[...new Set(numbers.specs)].map((n) => ({ kind: "s" as const, n })),
  ];
  for (const group of chunk(items, 50)) {
    const batches = group.filter((g) => g.kind === "b");
    const specs = group.filter((g) => g.kind === "s");
    const variables: Record<string, unknown> = {
      owner: repo.owner,
      name: repo.repo,
      ...Object.fromEntries(labelNames.map((name, i) => [`l${i}`, name])),
      ...Object.fromEntries(batches.map((b, i) => [`b${i}`, b.n])),
      ...Object.fromEntries(specs.map((s, i) => [`s${i}`, s.n])),
    };
    snapshot.requests++;
    const { data } = await graphqlPartial<{ repository: RepositoryData }>(
      octokit,
      batchStatesDocument(batches.length, specs.length, labelNames.length, what.specComments),
      variables,
    );
    const repository = data?.repository ?? null;
    if (!repository) throw new Error(`repository ${repo.owner}/${repo.repo} is not readable`);
    collectHeader(snapshot, repository, labelNames.length);
    batches.forEach((_, i) => {
      const node = repository[`b${i}`];
      if (isIssue(node)) snapshot.batches.set(node.number, toBatchState(node as BatchNode));
    });
    specs.forEach((_, i) => {
      const node = repository[`s${i}`];
      if (isIssue(node)) snapshot.specs.set(node.number, toSpecState(node as SpecNode));
    });
  }
  await readMoreComments(octokit, snapshot);
  return snapshot;
}

/** SPECs per request of `readSpecBatches`: each brings up to 100 sub-issues of its batch along. */
const SPECS_PER_BATCH_READ = 10;

/** SPECs, their parent issues and the parents' sub-issues: one request per 10 SPECs (one for a single SPEC). */
export async function readSpecBatches(
  octokit: GitHub,
  repo: RepoRef,
  specs: readonly number[],
  labelNames: readonly string[],
): Promise<BatchSnapshot> {
  const snapshot = emptySnapshot();
  for (const group of chunk([...new Set(specs)], SPECS_PER_BATCH_READ)) {
    snapshot.requests++;
    const { data } = await graphqlPartial<{ repository: RepositoryData }>(
      octokit,
      specBatchDocument(labelNames.length, group.length),
      {
        owner: repo.owner,
        name: repo.repo,
        ...Object.fromEntries(group.map((n, i) => [`s${i}`, n])),
        ...Object.fromEntries(labelNames.map((n, i) => [`l${i}`, n])),
      },
    );
    const repository = data?.repository ?? null;
    if (!repository) throw new Error(`repository ${repo.owner}/${repo.repo} is not readable`);
    collectHeader(snapshot, repository, labelNames.length);
    for (let i = 0; i < group.length; i++) collectSpecBatch(snapshot, repository[`s${i}`]);
  }
  await readMoreComments(octokit, snapshot);
  return snapshot;
}

type SpecWithBatch = SpecNode & { parent: (BatchNode & { subIssues: { nodes: SpecNode[] } }) | null };

function collectSpecBatch(snapshot: BatchSnapshot, value: unknown): void {
  if (!isIssue(value)) return;
  const node = value as SpecWithBatch;
  snapshot.specs.set(node.number, toSpecState(node));
  if (!node.parent) return;
  snapshot.batches.set(node.parent.number, toBatchState(node.parent));
  for (const sub of nodesOf(node.parent.subIssues))
    if (isIssue(sub) && !snapshot.specs.has(sub.number)) snapshot.specs.set(sub.number, toSpecState(sub));
}

/** Adds `more` into `into` (a second read for what the first one lacked). */
export function mergeSnapshots(into: BatchSnapshot, more: BatchSnapshot): BatchSnapshot {
  if (!into.repositoryId) into.repositoryId = more.repositoryId;
  for (const [k, v] of more.labelIds) into.labelIds.set(k, v);
  for (const [k, v] of more.batches) into.batches.set(k, v);
  for (const [k, v] of more.specs) into.specs.set(k, v);
  into.requests += more.requests;
  return into;
}
