import type { BatchIssue } from "../domain/batch.js";
import type { BoardItem } from "../domain/board-plan.js";
import type { ProjectRef } from "../domain/project-ref.js";
import type { RepoRef } from "../domain/references.js";
import type { IssueRecord } from "../domain/spec.js";
import { type BatchState, COMMENT_PAGE, type CommentPage, commentsOf } from "./batch-progress-reader.js";
import { type BatchNode, batchIssueOf } from "./batch-reader.js";
import { type GitHub, type GraphqlError, graphqlPartial, nodesOf } from "./graphql.js";
import {
  type BoardProject,
  boardItemOf,
  PROJECT_ITEMS_SELECTION,
  PROJECT_SELECTION,
  type ProjectItemsNode,
  type ProjectOwnerNode,
  projectFromOwner,
} from "./projects.js";
import { ISSUE_RECORD_FIELDS, type IssueNode, toIssueRecord } from "./registry-reader.js";

/**
 * Everything progress tracking reads, in one request for up to 100 SPECs and 100 batch issues (more pages only for
 * the connection that has them): SPECs with their label history and project items, batch issues (with their first
 * 100 comments when batch tasks share the read), the dashboard issue, the dashboard label and the project with its
 * fields.
 */
export const PROGRESS_QUERY = /* GraphQL */ `
  query BatchbotProgress($owner: String!, $name: String!, $specLabel: String!, $batchLabel: String!, $dashboardLabel: String!, $specCursor: String, $batchCursor: String, $withSpecs: Boolean!, $withBatches: Boolean!, $withMeta: Boolean!, $withProject: Boolean!, $withItems: Boolean!, $withComments: Boolean!, $projectOwner: String!, $projectNumber: Int!) {
    repository(owner: $owner, name: $name) {
      id
      dashboardLabel: label(name: $dashboardLabel) @include(if: $withMeta) { id }
      dashboards: issues(first: 20, labels: [$dashboardLabel], orderBy: { field: CREATED_AT, direction: ASC }) @include(if: $withMeta) {
        nodes { id number state body isPinned author { login } }
      }
      specs: issues(first: 100, after: $specCursor, labels: [$specLabel], orderBy: { field: CREATED_AT, direction: ASC }) @include(if: $withSpecs) {
        pageInfo { hasNextPage endCursor }
        nodes {
          ${ISSUE_RECORD_FIELDS}
          timelineItems(itemTypes: [LABELED_EVENT], first: 100) { nodes { ... on LabeledEvent { label { name } } } }
          ${PROJECT_ITEMS_SELECTION}
          messages: comments(first: 100) @include(if: $withComments) { ${COMMENT_PAGE} }
        }
      }
      batches: issues(first: 100, after: $batchCursor, labels: [$batchLabel], orderBy: { field: CREATED_AT, direction: ASC }) @include(if: $withBatches) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id number state title body ${PROJECT_ITEMS_SELECTION}
          createdAt @include(if: $withComments)
          comments(first: 100) @include(if: $withComments) { ${COMMENT_PAGE} }
        }
      }
    }
    projectOwner: repositoryOwner(login: $projectOwner) @include(if: $withProject) { ${PROJECT_SELECTION} }
  }
`;

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface ProgressPage {
  repository: {
    id: string;
    dashboardLabel?: { id: string } | null;
    dashboards?: { nodes: DashboardIssue[] };
    specs?: {
      pageInfo: PageInfo;
      nodes: Array<
        IssueNode & {
          timelineItems: { nodes: Array<{ label?: { name: string } } | null> };
          projectItems?: ProjectItemsNode;
          messages?: CommentPage | null;
        }
      >;
    };
    batches?: {
      pageInfo: PageInfo;
      nodes: Array<
        BatchNode & { projectItems?: ProjectItemsNode; comments?: CommentPage | null; createdAt?: string }
      >;
    };
  } | null;
  projectOwner?: ProjectOwnerNode | null;
}

export interface DashboardIssue {
  id: string;
  number: number;
  state: "OPEN" | "CLOSED";
  body: string;
  isPinned: boolean | null;
  author: { login: string } | null;
}

export interface ProgressLabels {
  spec: string;
  batch: string;
  dashboard: string;
  changesRequested: string;
}

export interface ProgressSnapshot {
  repositoryId: string;
  dashboardLabelId: string | null;
  /** Issues with the dashboard label, oldest first (batchbot's own is picked by the caller). */
  dashboards: DashboardIssue[];
  specs: IssueRecord[];
  /** SPEC numbers whose label history contains the changes-requested label. */
  changesRequestedEver: Set<number>;
  batches: BatchIssue[];
  /** `null` without a configured project, or when it can't be read (`projectProblem` says why). */
  project: BoardProject | null;
  projectProblem: string | null;
  /** Items of the project by content (issue) node id. */
  items: Map<string, BoardItem>;
  /** The first 100 comments of each batch issue, by number, when asked for (`batchComments`: batch tasks count them). */
  batchComments: Map<number, Pick<BatchState, "comments" | "commentsAfter" | "createdAt">>;
  /** The first 100 comments of each SPEC, by number, when asked for (`batchComments`: batch tasks count them). */
  specComments?: Map<number, Pick<BatchState, "comments" | "commentsAfter">>;
  requests: number;
}

function emptyProgress(): ProgressSnapshot {
  return {
    repositoryId: "",
    dashboardLabelId: null,
    dashboards: [],
    specs: [],
    changesRequestedEver: new Set(),
    batches: [],
    project: null,
    projectProblem: null,
    items: new Map(),
    batchComments: new Map(),
    specComments: new Map(),
    requests: 0,
  };
}

/** One page's SPECs and batches, with their board items. */
function collectPage(
  snapshot: ProgressSnapshot,
  repository: NonNullable<ProgressPage["repository"]>,
  changesRequested: string,
): void {
  const projectId = snapshot.project?.id;
  const keepItem = (contentId: string, items: ProjectItemsNode | undefined) => {
    const item = projectId ? boardItemOf(items, projectId) : null;
    if (item) snapshot.items.set(contentId, item);
  };
  for (const { messages, ...node } of nodesOf(repository.specs)) {
    snapshot.specs.push(toIssueRecord(node));
    if (messages) {
      snapshot.specComments ??= new Map();
      snapshot.specComments.set(node.number, commentsOf(messages));
    }
    if (nodesOf(node.timelineItems).some((e) => e.label?.name.toLowerCase() === changesRequested))
      snapshot.changesRequestedEver.add(node.number);
    keepItem(node.id, node.projectItems);
  }
  for (const { projectItems, comments, createdAt, ...node } of nodesOf(repository.batches)) {
    const batch = batchIssueOf(node);
    if (!batch) continue;
    snapshot.batches.push(batch);
    keepItem(node.id, projectItems);
    if (comments) snapshot.batchComments.set(batch.number, { ...commentsOf(comments), createdAt });
  }
}

export async function readProgress(
  octokit: GitHub,
  repo: RepoRef,
  labels: ProgressLabels,
  project: ProjectRef | null,
  what: { specs?: boolean; batches?: boolean; batchComments?: boolean } = {},
): Promise<ProgressSnapshot> {
  const snapshot = emptyProgress();
  const changesRequested = labels.changesRequested.toLowerCase();
  let specCursor: string | null = null;
  let batchCursor: string | null = null;
  let withSpecs: boolean = what.specs ?? true;
  let withBatches: boolean = what.batches ?? true;
  let first: boolean = true;
  while (first || withSpecs || withBatches) {
    snapshot.requests++;
    const result: { data: ProgressPage; errors: GraphqlError[] } = await graphqlPartial<ProgressPage>(
      octokit,
      PROGRESS_QUERY,
      {
        owner: repo.owner,
        name: repo.repo,
        specLabel: labels.spec,
        batchLabel: labels.batch,
        dashboardLabel: labels.dashboard,
        specCursor,
        batchCursor,
        withSpecs,
        withBatches,
        withMeta: first,
        withProject: first && !!project,
        withItems: !!project,
        withComments: what.batchComments ?? false,
        projectOwner: project?.owner ?? "",
        projectNumber: project?.number ?? 0,
      },
    );
    const { data, errors } = result;
    const repository = data?.repository;
    if (!repository)
      throw new Error(
        `repository ${repo.owner}/${repo.repo} is not readable${errors[0] ? `: ${errors[0].message}` : ""}`,
      );
    if (first) {
      snapshot.repositoryId = repository.id;
      snapshot.dashboardLabelId = repository.dashboardLabel?.id ?? null;
      snapshot.dashboards = nodesOf(repository.dashboards);
      if (project) {
        const resolved = projectFromOwner(project, data.projectOwner, errors);
        snapshot.project = resolved.project;
        snapshot.projectProblem = resolved.problem;
      }
    }
    collectPage(snapshot, repository, changesRequested);
    if (withSpecs) {
      const page: PageInfo | undefined = repository.specs?.pageInfo;
      specCursor = page?.hasNextPage ? page.endCursor : null;
      withSpecs = !!specCursor;
    }
    if (withBatches) {
      const page: PageInfo | undefined = repository.batches?.pageInfo;
      batchCursor = page?.hasNextPage ? page.endCursor : null;
      withBatches = !!batchCursor;
    }
    first = false;
  }
  return snapshot;
}
