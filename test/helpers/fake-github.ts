import { type DocumentNode, type ExecutionResult, execute, GraphQLError, parse, validate } from "graphql";
import nock from "nock";
import { githubSchema } from "./schema.js";

/**
 * An in-memory GitHub for end-to-end tests. GraphQL documents the app sends are validated and executed against
 * GitHub's real schema (so an invalid document fails the test); REST calls are routed to handlers over the same
 * state. Every request is logged, so tests can count reads and writes.
 */

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface FakeComment {
  id: string;
  databaseId: number;
  body: string;
  author: string;
  createdAt: string;
  reactions: Array<{ content: string; user: string }>;
  /** Who last edited the comment, if anyone did. */
  editor?: string;
  /** GitHub's author association; `OWNER` unless set (as the webhook examples have it), `NONE` for bots. */
  authorAssociation?: string;
}

export interface FakeIssue {
  id: string;
  databaseId: number;
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED";
  stateReason: "COMPLETED" | "NOT_PLANNED" | "REOPENED" | null;
  labels: string[];
  assignees: string[];
  author: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: FakeComment[];
  /** Labels in the order they were added (the issue's LABELED_EVENT timeline). */
  labelEvents: Array<{ label: string; createdAt: string }>;
  /** Who closed it last (its last CLOSED_EVENT's actor); unknown (a deleted account) when not set. */
  closedBy?: string;
  blockedBy: number[];
  subIssues: number[];
  parent: number | null;
  pinned: boolean;
  pullRequest: null | {
    merged: boolean;
    headSha: string;
    baseRef: string;
    reviews: FakeReview[];
    /** Issues linked by hand (the Development sidebar); closing keywords in the body link more on the default branch. */
    closingIssues: number[];
    isDraft?: boolean;
  };
}

export interface FakeReview {
  id: string;
  databaseId: number;
  author: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  commitSha: string;
  submittedAt: string;
  body: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text?: string | null };
  /** Slug of the GitHub App that created the run. */
  app?: string;
  startedAt?: string;
  completedAt?: string | null;
}

export interface FakeRepo {
  owner: string;
  name: string;
  id: string;
  databaseId: number;
  labels: Map<string, { id: string; name: string; color: string }>;
  issues: Map<number, FakeIssue>;
  /** Files on the default branch. */
  files: Map<string, string>;
  /** Files at other refs (commit SHAs, branches). */
  filesAt: Map<string, Map<string, string>>;
  checkRuns: FakeCheckRun[];
  statuses: Array<{ sha: string; context: string; state: string; createdAt?: string }>;
  /** Tree of each commit (same tree: same content); a commit without an entry has a tree of its own. */
  commitTrees: Map<string, string>;
  collaborators: Map<string, Permission>;
  nextNumber: number;
  /** Archived repositories are read-only; the reconcile sweep skips them. */
  archived?: boolean;
}

/** A webhook delivery as `GET /app/hook/deliveries` lists it, with the payload the harness sent. */
export interface FakeDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  status_code: number;
  redelivery: boolean;
  delivered_at: string;
  installation_id: number | null;
  repository_id: number | null;
  payload: Record<string, any>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  kind: "read" | "write";
  operation?: string;
  /** For aliased GraphQL mutations, how many fields the request carried. */
  fields?: number;
  body?: unknown;
  /** The request's headers (lower-cased names): the token it was sent with, GraphQL-Features. */
  headers?: Record<string, string>;
}

export interface FailureRule {
  match: (req: { method: string; path: string; operation?: string; field?: string }) => boolean;
  status: number;
  times: number;
  headers?: Record<string, string>;
  message?: string;
  /** GitHub did the work but the answer was lost (a 502 from a proxy, a timeout): apply, then fail. */
  applied?: boolean;
  /**
   * Fail one field of a GraphQL mutation instead of the whole request, as GitHub does when one of several aliased
   * mutations is refused (the others still run): the field answers null with an error of type `errorType`.
   */
  field?: string;
  errorType?: string;
}

const BASE = "https://api.github.com";
let counter = 1000;
const nextId = () => ++counter;
// Monotonic: the quality gate orders reviews and comments by time.
const now = () => new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + counter * 1000).toISOString();

function encodeCursor(i: number) {
  return Buffer.from(`cursor:${i}`).toString("base64");
}
function decodeCursor(c: string | null | undefined) {
  if (!c) return -1;
  return Number(Buffer.from(c, "base64").toString().slice(7));
}

export function connection<T>(items: T[], args: { first?: number; last?: number; after?: string | null }) {
  const start = decodeCursor(args.after) + 1;
  let slice = items.slice(start);
  let offset = start;
  if (args.first !== undefined && args.first !== null) slice = slice.slice(0, args.first);
  if (args.last !== undefined && args.last !== null && slice.length > args.last) {
    offset += slice.length - args.last;
    slice = slice.slice(slice.length - args.last);
  }
  const end = offset + slice.length - 1;
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: encodeCursor(offset + i) })),
    pageInfo: {
      hasNextPage: end < items.length - 1,
      hasPreviousPage: offset > 0,
      endCursor: slice.length ? encodeCursor(end) : null,
      startCursor: slice.length ? encodeCursor(offset) : null,
    },
  };
}

const checked = new Map<string, { document: DocumentNode; errors: readonly GraphQLError[] }>();

/** A GraphQL document parsed and validated against GitHub's schema, once per distinct text (load tests). */
function checkedDocument(query: string) {
  let entry = checked.get(query);
  if (!entry) {
    const document = parse(query);
    entry = { document, errors: validate(githubSchema(), document) };
    if (checked.size < 5000) checked.set(query, entry);
  }
  return entry;
}

/** GitHub's limit on comment bodies, in characters. */
export const MAX_COMMENT_LENGTH = 65_536;

function commentTooLong() {
  return {
    message: "Validation Failed",
    errors: [
      {
        resource: "IssueComment",
        code: "custom",
        field: "body",
        message: "Body is too long (maximum is 65536 characters)",
      },
    ],
  };
}

/** The login of a deleted account: GitHub's GraphQL answers its authors as `null` (REST shows them as `ghost`). */
export const GHOST = "ghost";

/** An author as GraphQL shows it: apps' bots without `[bot]`, deleted accounts as `null`. */
export function actorView(login: string) {
  if (login === GHOST) return null;
  return login.endsWith("[bot]")
    ? { __typename: "Bot", login: login.replace(/\[bot\]$/, "") }
    : { __typename: "User", login };
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });
}

function unprocessable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "UNPROCESSABLE" } });
}

export class FakeGitHub {
  repos = new Map<string, FakeRepo>();
  teams = new Map<string, Set<string>>();
  requests: LoggedRequest[] = [];
  unhandled: string[] = [];
  failures: FailureRule[] = [];
  /** Who the app's token acts as: the author of what it writes (`github-actions[bot]` for a workflow token). */
  actor = "batchbot[bot]";
  /** Extra GraphQL root fields (projects and other later features register theirs here). */
  extraQuery: Record<string, unknown> = {};
  extraMutation: Record<string, unknown> = {};
  /** Extra fields of every repository view (agents add `suggestedActors`). */
  repoExtras: Array<(repo: FakeRepo) => Record<string, unknown>> = [];
  /** The headers of the request being served, for resolvers that answer by token or feature flag. */
  currentHeaders: Record<string, string> = {};
  /** Extra fields of every issue view (projects add `projectItems`). */
  issueExtras: Array<(repo: FakeRepo, issue: FakeIssue) => Record<string, unknown>> = [];
  restRoutes: Array<{
    method: string;
    pattern: RegExp;
    handle: (
      m: RegExpExecArray,
      body: any,
      query: URLSearchParams,
    ) => [number, unknown] | [number, unknown, Record<string, string>];
  }> = [];
  /** The app's installations (`GET /app/installations`); every one sees all repositories (one token in tests). */
  installations: Array<{ id: number; account: { login: string }; suspended_at: string | null }> = [
    { id: 1, account: { login: "acme" }, suspended_at: null },
  ];
  /** The app's webhook deliveries, as `GET /app/hook/deliveries` lists them (the harness records them). */
  deliveries: FakeDelivery[] = [];
  /** Redeliveries the app asked for (`POST /app/hook/deliveries/{id}/attempts`), not yet sent. */
  redeliveryRequests: FakeDelivery[] = [];
  private nodes = new Map<
    string,
    { kind: string; repo: FakeRepo; issue?: FakeIssue; comment?: FakeComment }
  >();
  private scope: nock.Scope | null = null;
  private currentOperation: { path: string; operation?: string } = { path: "/graphql" };

  constructor(readonly baseUrl = BASE) {
    this.installRestRoutes();
  }

  // ---- state ---------------------------------------------------------------------------------------------

  repo(fullName: string): FakeRepo {
    const key = fullName.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo) {
      const [owner, name] = fullName.split("/") as [string, string];
      const databaseId = nextId();
      repo = {
        owner,
        name,
        id: `R_${databaseId}`,
        databaseId,
        labels: new Map(),
        issues: new Map(),
        files: new Map(),
        filesAt: new Map(),
        checkRuns: [],
        statuses: [],
        commitTrees: new Map(),
        collaborators: new Map(),
        nextNumber: 1,
      };
      this.repos.set(key, repo);
    }
    return repo;
  }

  label(repo: FakeRepo, name: string) {
    let label = repo.labels.get(name.toLowerCase());
    if (!label) {
      label = { id: `LA_${nextId()}`, name, color: "ededed" };
      repo.labels.set(name.toLowerCase(), label);
    }
    return label;
  }

  addIssue(fullName: string, issue: Partial<FakeIssue> & { title?: string }): FakeIssue {
    const repo = this.repo(fullName);
    const number = issue.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    const databaseId = issue.databaseId ?? nextId();
    const created: FakeIssue = {
      id: `I_${databaseId}`,
      databaseId,
      number,
      title: `Issue ${number}`,
      body: "",
      state: "OPEN",
      stateReason: null,
      labels: [],
      assignees: [],
      author: "octocat",
      createdAt: now(),
      updatedAt: now(),
      closedAt: null,
      comments: [],
      labelEvents: (issue.labels ?? []).map((label) => ({ label, createdAt: issue.createdAt ?? now() })),
      blockedBy: [],
      subIssues: [],
      parent: null,
      pinned: false,
      pullRequest: null,
      ...issue,
    };
    for (const l of created.labels) this.label(repo, l);
    repo.issues.set(number, created);
    if (created.pullRequest) this.noteMentions();
    this.nodes.set(created.id, { kind: created.pullRequest ? "PullRequest" : "Issue", repo, issue: created });
    return created;
  }

  addComment(fullName: string, number: number, author: string, body: string): FakeComment {
    const issue = this.issue(fullName, number);
    const databaseId = nextId();
    const comment: FakeComment = {
      id: `IC_${databaseId}`,
      databaseId,
      body,
      author,
      createdAt: now(),
      reactions: [],
    };
    issue.comments.push(comment);
    this.nodes.set(comment.id, { kind: "IssueComment", repo: this.repo(fullName), issue, comment });
    return comment;
  }

  addPullRequest(
    fullName: string,
    pr: Partial<FakeIssue> & {
      headSha?: string;
      baseRef?: string;
      closingIssues?: number[];
      isDraft?: boolean;
      merged?: boolean;
    },
  ): FakeIssue {
    const { headSha, baseRef, closingIssues, isDraft, merged, ...issue } = pr;
    return this.addIssue(fullName, {
      ...issue,
      pullRequest: {
        merged: merged ?? false,
        headSha: headSha ?? `sha-${nextId()}`,
        baseRef: baseRef ?? "main",
        reviews: [],
        closingIssues: closingIssues ?? [],
        isDraft: isDraft ?? false,
      },
    });
  }

  addReview(
    fullName: string,
    number: number,
    author: string,
    state: FakeReview["state"],
    options: { commitSha?: string; body?: string } = {},
  ): FakeReview {
    const pr = this.issue(fullName, number).pullRequest;
    if (!pr) throw new Error(`#${number} is no pull request`);
    const databaseId = nextId();
    const review: FakeReview = {
      id: `PRR_${databaseId}`,
      databaseId,
      author,
      state,
      commitSha: options.commitSha ?? pr.headSha,
      submittedAt: now(),
      body: options.body ?? "",
    };
    pr.reviews.push(review);
    return review;
  }

  /** New commits on a pull request's branch: a new head (with its own tree unless `tree` says otherwise). */
  push(fullName: string, number: number, sha: string, tree?: string) {
    const pr = this.issue(fullName, number).pullRequest;
    if (!pr) throw new Error(`#${number} is no pull request`);
    pr.headSha = sha;
    if (tree) this.repo(fullName).commitTrees.set(sha, tree);
  }

  addCheckRun(
    fullName: string,
    run: { name: string; headSha: string; status?: string; conclusion?: string | null; app?: string },
  ): FakeCheckRun {
    const created: FakeCheckRun = {
      id: nextId(),
      name: run.name,
      headSha: run.headSha,
      status: run.status ?? (run.conclusion ? "completed" : "in_progress"),
      conclusion: run.conclusion ?? null,
      output: { title: null, summary: null },
      app: run.app ?? "github-actions",
      startedAt: now(),
      completedAt: run.conclusion ? now() : null,
    };
    this.repo(fullName).checkRuns.push(created);
    return created;
  }

  addStatus(fullName: string, sha: string, context: string, state: string) {
    this.repo(fullName).statuses.push({ sha, context, state, createdAt: now() });
  }

  issue(fullName: string, number: number): FakeIssue {
    const issue = this.repo(fullName).issues.get(number);
    if (!issue) throw new Error(`no issue ${fullName}#${number}`);
    return issue;
  }

  issueByDatabaseId(id: number): { repo: FakeRepo; issue: FakeIssue } | null {
    for (const repo of this.repos.values())
      for (const issue of repo.issues.values()) if (issue.databaseId === id) return { repo, issue };
    return null;
  }

  node(id: string) {
    return this.nodes.get(id);
  }

  failNext(rule: Omit<FailureRule, "times"> & { times?: number }) {
    this.failures.push({ times: 1, ...rule });
  }

  // ---- request accounting --------------------------------------------------------------------------------

  reset() {
    this.requests = [];
  }
  get reads() {
    return this.requests.filter((r) => r.kind === "read").length;
  }
  get writes() {
    return this.requests.filter((r) => r.kind === "write").length;
  }
  botComments(fullName: string, number: number, bot = "batchbot") {
    return this.issue(fullName, number).comments.filter((c) => c.author.replace(/\[bot\]$/, "") === bot);
  }

  // ---- nock wiring ---------------------------------------------------------------------------------------

  install(): this {
    const scope = nock(this.baseUrl).persist();
    const fake = this;
    for (const method of ["get", "post", "patch", "put", "delete"] as const) {
      scope.intercept(/.*/, method.toUpperCase()).reply(function (this: nock.ReplyFnContext, uri, body) {
        fake.currentHeaders = headerRecord(this.req.headers);
        return fake.handle(method.toUpperCase(), uri, body) as unknown as nock.ReplyFnResult;
      });
    }
    this.scope = scope;
    return this;
  }

  /** Set when a test sends requests the fake can't serve on purpose. */
  allowUnhandled = false;

  /** Stops intercepting; fails the test if the app sent an invalid GraphQL document or hit an unknown route. */
  uninstall() {
    this.scope?.persist(false);
    nock.cleanAll();
    if (this.unhandled.length && !this.allowUnhandled)
      throw new Error(`fake GitHub saw requests it could not serve:\n${this.unhandled.join("\n")}`);
  }

  /**
   * Issues each pull request's description has mentioned: GitHub records a cross-reference when a description
   * mentions an issue and keeps it after the mention is edited away. Noted on every request (and when a pull
   * request is added), the moments the app can look.
   */
  private mentioned = new Map<FakeIssue, Set<number>>();

  private noteMentions(): void {
    for (const repo of this.repos.values())
      for (const issue of repo.issues.values()) {
        if (!issue.pullRequest) continue;
        const seen = this.mentioned.get(issue) ?? new Set<number>();
        for (const m of issue.body.matchAll(/#(\d+)(?![0-9])/g)) seen.add(Number(m[1]));
        this.mentioned.set(issue, seen);
      }
  }

  private crossReferences(issue: FakeIssue, candidate: FakeIssue): boolean {
    return mentions(candidate.body, issue.number) || !!this.mentioned.get(candidate)?.has(issue.number);
  }

  private handle(method: string, uri: string, rawBody: unknown): [number, unknown, Record<string, string>?] {
    this.noteMentions();
    const url = new URL(uri, this.baseUrl);
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const body = typeof rawBody === "string" && rawBody ? safeJson(rawBody) : rawBody;
    if (path === "/graphql" || path === "/api/graphql")
      return this.handleGraphql(body as { query: string; variables?: Record<string, unknown> }, path);
    const kind = method === "GET" ? "read" : "write";
    const failure = this.takeFailure({ method, path });
    this.requests.push({ method, path: path + url.search, kind, body, headers: this.currentHeaders });
    if (failure && !failure.applied)
      return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    const answer = this.routeRest(method, path, body, url.searchParams);
    if (failure) return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    return answer;
  }

  /** Records a webhook delivery and how the app answered it (`status_code` 0: GitHub could not reach it). */
  recordDelivery(
    delivery: Omit<FakeDelivery, "id" | "delivered_at" | "redelivery"> & { redelivery?: boolean },
  ): FakeDelivery {
    const recorded = {
      id: nextId(),
      delivered_at: new Date().toISOString(),
      redelivery: false,
      ...delivery,
    };
    this.deliveries.push(recorded);
    return recorded;
  }

  private routeRest(
    method: string,
    path: string,
    body: unknown,
    query: URLSearchParams,
  ): [number, unknown] | [number, unknown, Record<string, string>] {
    for (const route of this.restRoutes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return route.handle(m, body, query);
    }
    this.unhandled.push(`${method} ${path}`);
    return [501, { message: `fake GitHub has no route for ${method} ${path}` }];
  }

  private takeFailure(req: { method: string; path: string; operation?: string; field?: string }) {
    const rule = this.failures.find(
      (f) => f.times > 0 && (f.field ?? null) === (req.field ?? null) && f.match(req),
    );
    if (rule) rule.times--;
    return rule;
  }

  private handleGraphql(
    body: { query: string; variables?: Record<string, unknown> },
    path: string,
  ): [number, unknown, Record<string, string>?] {
    const { document, errors } = checkedDocument(body.query);
    const op = document.definitions.find((d) => d.kind === "OperationDefinition");
    const isMutation = op?.kind === "OperationDefinition" && op.operation === "mutation";
    const operation = op?.kind === "OperationDefinition" ? op.name?.value : undefined;
    const fields = op?.kind === "OperationDefinition" ? op.selectionSet.selections.length : 0;
    const failure = this.takeFailure({ method: "POST", path, operation });
    this.requests.push({
      method: "POST",
      path,
      kind: isMutation ? "write" : "read",
      operation,
      fields,
      body,
      headers: this.currentHeaders,
    });
    if (failure && !failure.applied)
      return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    this.currentOperation = { path, operation };
    if (errors.length) {
      this.unhandled.push(`invalid GraphQL ${operation}: ${errors.map((e) => e.message).join("; ")}`);
      return [200, { errors: errors.map((e) => ({ message: e.message })) }];
    }
    const result = execute({
      schema: githubSchema(),
      document,
      rootValue: isMutation ? this.mutationRoot() : this.queryRoot(),
      variableValues: body.variables ?? {},
    }) as ExecutionResult;
    const payload: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length)
      payload.errors = result.errors.map((e) => ({
        message: e.message,
        path: e.path,
        type: (e.extensions?.type as string) ?? "FORBIDDEN",
      }));
    if (failure) return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    if (result.errors?.some((e) => !e.extensions?.type))
      this.unhandled.push(
        `GraphQL resolver error: ${result.errors
          .filter((e) => !e.extensions?.type)
          .map((e) => e.message)
          .join("; ")}`,
      );
    return [200, payload];
  }

  // ---- GraphQL views -------------------------------------------------------------------------------------

  repoView(repo: FakeRepo): Record<string, unknown> {
    return {
      __typename: "Repository",
      id: repo.id,
      databaseId: repo.databaseId,
      name: repo.name,
      nameWithOwner: `${repo.owner}/${repo.name}`,
      owner: { __typename: "Organization", login: repo.owner, id: `O_${repo.owner}` },
      label: ({ name }: { name: string }) => {
        const l = repo.labels.get(name.toLowerCase());
        return l ? { __typename: "Label", ...l } : null;
      },
      labels: (args: { first?: number; after?: string }) =>
        connection(
          [...repo.labels.values()].map((l) => ({ __typename: "Label", ...l })),
          args,
        ),
      assignableUsers: (args: { first?: number; after?: string; query?: string | null }) =>
        connection(
          [...repo.collaborators]
            .filter(
              ([login, permission]) =>
                permission !== "none" && login.includes((args.query ?? "").toLowerCase()),
            )
            .map(([login]) => ({ __typename: "User", id: `U_${login}`, login })),
          args,
        ),
      issues: (args: { first?: number; after?: string; labels?: string[]; states?: string[] }) => {
        const wanted = args.labels?.map((l) => l.toLowerCase());
        const items = [...repo.issues.values()]
          .filter((i) => !i.pullRequest)
          .filter((i) => !wanted || wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
          .filter((i) => !args.states || args.states.includes(i.state))
          .sort((a, b) => a.number - b.number)
          .map((i) => this.issueView(repo, i));
        return connection(items, args);
      },
      pullRequests: (args: { first?: number; after?: string; states?: string[] }) => {
        const items = [...repo.issues.values()]
          .filter((i) => i.pullRequest)
          .map((i) => this.issueView(repo, i))
          .filter((v) => !args.states || args.states.includes(v.state as string))
          .sort((a, b) => (a.number as number) - (b.number as number));
        return connection(items, args);
      },
      issue: ({ number }: { number: number }) => {
        const issue = repo.issues.get(number);
        if (!issue || issue.pullRequest)
          throw notFound(`Could not resolve to an Issue with the number of ${number}.`);
        return this.issueView(repo, issue);
      },
      pullRequest: ({ number }: { number: number }) => {
        const issue = repo.issues.get(number);
        if (!issue?.pullRequest)
          throw notFound(`Could not resolve to a PullRequest with the number of ${number}.`);
        return this.issueView(repo, issue);
      },
      issueOrPullRequest: ({ number }: { number: number }) => {
        const issue = repo.issues.get(number);
        if (!issue)
          throw notFound(`Could not resolve to an issue or pull request with the number of ${number}.`);
        return this.issueView(repo, issue);
      },
      ...Object.assign({}, ...this.repoExtras.map((extra) => extra(repo))),
    };
  }

  issueView(repo: FakeRepo, issue: FakeIssue): Record<string, unknown> {
    const pr = issue.pullRequest;
    const byDatabaseId = (ids: number[]) =>
      ids
        .map((id) => this.issueByDatabaseId(id))
        .filter((x): x is { repo: FakeRepo; issue: FakeIssue } => !!x)
        .map((x) => this.issueView(x.repo, x.issue));
    return {
      __typename: pr ? "PullRequest" : "Issue",
      id: issue.id,
      databaseId: issue.databaseId,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      url: `https://github.com/${repo.owner}/${repo.name}/${pr ? "pull" : "issues"}/${issue.number}`,
      state: pr?.merged ? "MERGED" : issue.state,
      stateReason: issue.stateReason,
      merged: pr?.merged ?? false,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      isPinned: issue.pinned,
      author: actorView(issue.author),
      repository: () => this.repoView(repo),
      headRefOid: pr?.headSha,
      baseRefName: pr?.baseRef,
      isDraft: pr?.isDraft ?? false,
      labels: (args: { first?: number; after?: string }) =>
        connection(
          issue.labels.map((name) => ({ __typename: "Label", ...this.label(repo, name) })),
          args,
        ),
      assignees: (args: { first?: number; after?: string }) =>
        connection(
          issue.assignees.map((login) => ({ __typename: "User", login, id: `U_${login}` })),
          args,
        ),
      comments: (args: { first?: number; last?: number; after?: string }) =>
        connection(
          issue.comments.map((c) => ({
            __typename: "IssueComment",
            id: c.id,
            databaseId: c.databaseId,
            body: c.body,
            createdAt: c.createdAt,
            author: actorView(c.author),
            authorAssociation: c.authorAssociation ?? (c.author.endsWith("[bot]") ? "NONE" : "OWNER"),
            editor: c.editor ? { __typename: "User", login: c.editor } : null,
          })),
          args,
        ),
      reviews: (args: { first?: number; last?: number; after?: string }) =>
        connection(
          (pr?.reviews ?? []).filter((r) => r.state !== "PENDING").map((r) => this.reviewView(repo, r)),
          args,
        ),
      latestOpinionatedReviews: (args: { first?: number; last?: number; after?: string }) => {
        const latest = new Map<string, FakeReview>();
        for (const r of pr?.reviews ?? [])
          if (r.state === "APPROVED" || r.state === "CHANGES_REQUESTED")
            latest.set(r.author.toLowerCase(), r);
        return connection(
          [...latest.values()].map((r) => this.reviewView(repo, r)),
          args,
        );
      },
      commits: (args: { first?: number; last?: number; after?: string }) =>
        connection(
          pr ? [{ __typename: "PullRequestCommit", commit: this.commitView(repo, pr.headSha) }] : [],
          args,
        ),
      closingIssuesReferences: (args: { first?: number; after?: string }) =>
        connection(
          byDatabaseId(this.closingNumbers(issue).map((n) => repo.issues.get(n)?.databaseId ?? -1)),
          args,
        ),
      closedByPullRequestsReferences: (args: { first?: number; includeClosedPrs?: boolean }) =>
        connection(
          [...repo.issues.values()]
            .filter((p) => p.pullRequest && this.closingNumbers(p).includes(issue.number))
            .filter((p) => args.includeClosedPrs || p.state === "OPEN")
            .map((p) => this.issueView(repo, p)),
          args,
        ),
      // Timeline: cross-references (every pull request whose description mentions this issue or mentioned it; GitHub
      // records one per mention and keeps it), label events and the last close, filtered by itemTypes as GitHub does.
      timelineItems: (args: { last?: number; first?: number; after?: string; itemTypes?: string[] }) => {
        const wants = (type: string) => !args.itemTypes || args.itemTypes.includes(type);
        const crossReferences = wants("CROSS_REFERENCED_EVENT")
          ? [...repo.issues.values()]
              .filter((p) => p.pullRequest && p.number !== issue.number && this.crossReferences(issue, p))
              .map((p) => ({
                __typename: "CrossReferencedEvent",
                source: this.issueView(repo, p),
                willCloseTarget: this.closingNumbers(p).includes(issue.number),
                isCrossRepository: false,
              }))
          : [];
        const labelEvents = wants("LABELED_EVENT")
          ? issue.labelEvents.map((e, i) => ({
              __typename: "LabeledEvent",
              id: `LE_${issue.databaseId}_${i}`,
              createdAt: e.createdAt,
              label: { __typename: "Label", ...this.label(repo, e.label) },
            }))
          : [];
        const closedEvents =
          wants("CLOSED_EVENT") && issue.closedAt
            ? [
                {
                  __typename: "ClosedEvent",
                  id: `CE_${issue.databaseId}`,
                  createdAt: issue.closedAt,
                  actor: actorView(issue.closedBy ?? GHOST),
                },
              ]
            : [];
        return connection([...crossReferences, ...labelEvents, ...closedEvents], args);
      },
      subIssues: (args: { first?: number; after?: string }) =>
        connection(byDatabaseId(issue.subIssues), args),
      blockedBy: (args: { first?: number; after?: string }) =>
        connection(byDatabaseId(issue.blockedBy), args),
      blocking: (args: { first?: number; after?: string }) =>
        connection(
          byDatabaseId(
            [...this.repos.values()]
              .flatMap((r) => [...r.issues.values()])
              .filter((i) => i.blockedBy.includes(issue.databaseId))
              .map((i) => i.databaseId),
          ),
          args,
        ),
      parent: () => {
        if (issue.parent === null) return null;
        const p = this.issueByDatabaseId(issue.parent);
        return p ? this.issueView(p.repo, p.issue) : null;
      },
      subIssuesSummary: () => {
        const subs = issue.subIssues
          .map((id) => this.issueByDatabaseId(id)?.issue)
          .filter((x): x is FakeIssue => !!x);
        const completed = subs.filter((s) => s.state === "CLOSED").length;
        return {
          total: subs.length,
          completed,
          percentCompleted: subs.length ? Math.round((completed / subs.length) * 100) : 0,
        };
      },
      ...Object.assign({}, ...this.issueExtras.map((extra) => extra(repo, issue))),
    };
  }

  /** Issues a pull request closes: linked by hand, or by closing keywords when it targets the default branch. */
  closingNumbers(issue: FakeIssue): number[] {
    const pr = issue.pullRequest;
    if (!pr) return [];
    const named =
      pr.baseRef === "main"
        ? [...issue.body.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+#(\d+)/gi)].map((m) =>
            Number(m[1]),
          )
        : [];
    return [...new Set([...pr.closingIssues, ...named])];
  }

  reviewView(repo: FakeRepo, r: FakeReview) {
    const permission = repo.collaborators.get(r.author.toLowerCase()) ?? "none";
    return {
      __typename: "PullRequestReview",
      id: r.id,
      databaseId: r.databaseId,
      state: r.state,
      body: r.body,
      submittedAt: r.submittedAt,
      authorCanPushToRepository: ["write", "maintain", "admin"].includes(permission),
      author: actorView(r.author),
      commit: this.commitView(repo, r.commitSha),
    };
  }

  commitView(repo: FakeRepo, sha: string) {
    return {
      __typename: "Commit",
      oid: sha,
      tree: { __typename: "Tree", oid: repo.commitTrees.get(sha) ?? `tree-${sha}` },
      statusCheckRollup: () => {
        const contexts = this.rollupContexts(repo, sha);
        return contexts.length
          ? {
              __typename: "StatusCheckRollup",
              id: `SCR_${sha}`,
              contexts: (args: { first?: number }) => connection(contexts, args),
            }
          : null;
      },
    };
  }

  /** The latest check run per app and name and the latest status per context on a commit, as GitHub rolls them up. */
  private rollupContexts(repo: FakeRepo, sha: string): Array<Record<string, unknown>> {
    const runs = new Map<string, FakeCheckRun>();
    for (const run of repo.checkRuns.filter((r) => r.headSha === sha))
      runs.set(`${run.app}|${run.name}`, run);
    const statuses = new Map<string, FakeRepo["statuses"][number]>();
    for (const status of repo.statuses.filter((x) => x.sha === sha)) statuses.set(status.context, status);
    return [
      ...[...runs.values()].map((run) => ({
        __typename: "CheckRun",
        id: `CR_${run.id}`,
        databaseId: run.id,
        name: run.name,
        status: run.status.toUpperCase(),
        conclusion: run.conclusion?.toUpperCase() ?? null,
        title: run.output.title,
        summary: run.output.summary,
        startedAt: run.startedAt ?? null,
        completedAt: run.completedAt ?? null,
        checkSuite: { __typename: "CheckSuite", app: run.app ? { __typename: "App", slug: run.app } : null },
      })),
      ...[...statuses.values()].map((status) => ({
        __typename: "StatusContext",
        id: `SC_${sha}_${status.context}`,
        context: status.context,
        state: status.state.toUpperCase(),
        createdAt: status.createdAt ?? now(),
      })),
    ];
  }

  private queryRoot(): Record<string, unknown> {
    return {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
        if (!repo) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return this.repoView(repo);
      },
      node: ({ id }: { id: string }) => {
        const node = this.nodes.get(id);
        if (!node?.issue) return null;
        return this.issueView(node.repo, node.issue);
      },
      ...this.extraQuery,
    };
  }

  private subject(id: string) {
    const node = this.nodes.get(id);
    if (!node?.issue) throw notFound(`Could not resolve to a node with the global id of '${id}'`);
    return node as { kind: string; repo: FakeRepo; issue: FakeIssue; comment?: FakeComment };
  }

  private labelNames(repo: FakeRepo, ids: string[]) {
    return ids.map((id) => {
      const label = [...repo.labels.values()].find((l) => l.id === id);
      if (!label) throw notFound(`Could not resolve to a Label with the id '${id}'`);
      return label.name;
    });
  }

  private mutationRoot(): Record<string, unknown> {
    const touch = (issue: FakeIssue) => {
      issue.updatedAt = now();
    };
    const fields: Record<string, unknown> = {
      addLabelsToLabelable: ({ input }: { input: { labelableId: string; labelIds: string[] } }) => {
        const { repo, issue } = this.subject(input.labelableId);
        for (const name of this.labelNames(repo, input.labelIds))
          if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) {
            issue.labels.push(name);
            issue.labelEvents.push({ label: name, createdAt: now() });
          }
        touch(issue);
        return { clientMutationId: null, labelable: this.issueView(repo, issue) };
      },
      removeLabelsFromLabelable: ({ input }: { input: { labelableId: string; labelIds: string[] } }) => {
        const { repo, issue } = this.subject(input.labelableId);
        const names = this.labelNames(repo, input.labelIds).map((n) => n.toLowerCase());
        issue.labels = issue.labels.filter((l) => !names.includes(l.toLowerCase()));
        touch(issue);
        return { clientMutationId: null, labelable: this.issueView(repo, issue) };
      },
      createLabel: ({ input }: { input: { repositoryId: string; name: string; color: string } }) => {
        const repo = [...this.repos.values()].find((r) => r.id === input.repositoryId);
        if (!repo) throw notFound("no repository");
        const label = this.label(repo, input.name);
        label.color = input.color;
        return { clientMutationId: null, label: { __typename: "Label", ...label } };
      },
      addComment: ({ input }: { input: { subjectId: string; body: string } }) => {
        const { repo, issue } = this.subject(input.subjectId);
        if (input.body.length > MAX_COMMENT_LENGTH) throw unprocessable(commentTooLong().errors[0]!.message);
        const comment = this.addComment(`${repo.owner}/${repo.name}`, issue.number, this.actor, input.body);
        return {
          clientMutationId: null,
          commentEdge: {
            node: {
              __typename: "IssueComment",
              id: comment.id,
              databaseId: comment.databaseId,
              body: comment.body,
            },
          },
        };
      },
      updateIssueComment: ({ input }: { input: { id: string; body: string } }) => {
        if (input.body.length > MAX_COMMENT_LENGTH) throw unprocessable(commentTooLong().errors[0]!.message);
        const node = this.nodes.get(input.id);
        if (!node?.comment) throw notFound(`no comment ${input.id}`);
        node.comment.body = input.body;
        return {
          clientMutationId: null,
          issueComment: { __typename: "IssueComment", id: node.comment.id, body: node.comment.body },
        };
      },
      reopenIssue: ({ input }: { input: { issueId: string } }) => {
        const { repo, issue } = this.subject(input.issueId);
        issue.state = "OPEN";
        issue.stateReason = "REOPENED";
        issue.closedAt = null;
        touch(issue);
        return { clientMutationId: null, issue: this.issueView(repo, issue) };
      },
      closeIssue: ({ input }: { input: { issueId: string; stateReason?: "COMPLETED" | "NOT_PLANNED" } }) => {
        const { repo, issue } = this.subject(input.issueId);
        issue.state = "CLOSED";
        issue.stateReason = input.stateReason ?? "COMPLETED";
        issue.closedAt = now();
        issue.closedBy = this.actor;
        touch(issue);
        return { clientMutationId: null, issue: this.issueView(repo, issue) };
      },
      deleteIssueComment: ({ input }: { input: { id: string } }) => {
        const node = this.nodes.get(input.id);
        if (!node?.comment || !node.issue) throw notFound(`no comment ${input.id}`);
        node.issue.comments = node.issue.comments.filter((c) => c.id !== input.id);
        this.nodes.delete(input.id);
        return { clientMutationId: null };
      },
      createIssue: ({
        input,
      }: {
        input: {
          repositoryId: string;
          title: string;
          body?: string;
          labelIds?: string[];
          assigneeIds?: string[];
        };
      }) => {
        const repo = [...this.repos.values()].find((r) => r.id === input.repositoryId);
        if (!repo)
          throw notFound(`Could not resolve to a node with the global id of '${input.repositoryId}'`);
        const issue = this.addIssue(`${repo.owner}/${repo.name}`, {
          number: repo.nextNumber,
          title: input.title,
          body: input.body ?? "",
          labels: this.labelNames(repo, input.labelIds ?? []),
          assignees: this.assignable(repo, input.assigneeIds ?? []),
          author: this.actor,
        });
        return { clientMutationId: null, issue: this.issueView(repo, issue) };
      },
      updateIssue: ({
        input,
      }: {
        input: { id: string; title?: string; body?: string; state?: "OPEN" | "CLOSED" };
      }) => {
        const { repo, issue } = this.subject(input.id);
        if (input.title !== undefined) issue.title = input.title;
        if (input.body !== undefined) issue.body = input.body;
        if (input.state === "CLOSED" && issue.state === "OPEN") {
          issue.state = "CLOSED";
          issue.stateReason = "COMPLETED";
          issue.closedAt = now();
          issue.closedBy = this.actor;
        }
        touch(issue);
        return { clientMutationId: null, issue: this.issueView(repo, issue) };
      },
      pinIssue: ({ input }: { input: { issueId: string } }) => {
        const { repo, issue } = this.subject(input.issueId);
        const pinned = [...repo.issues.values()].filter((i) => i.pinned && i !== issue).length;
        if (!issue.pinned && pinned >= 3)
          throw new GraphQLError("A repository can't have more than 3 pinned issues", {
            extensions: { type: "UNPROCESSABLE" },
          });
        issue.pinned = true;
        return { clientMutationId: null, issue: this.issueView(repo, issue) };
      },
      addAssigneesToAssignable: ({ input }: { input: { assignableId: string; assigneeIds: string[] } }) => {
        const { repo, issue } = this.subject(input.assignableId);
        // GitHub silently skips users who can't be assigned in the repository.
        for (const login of this.assignable(repo, input.assigneeIds))
          if (!issue.assignees.some((a) => a.toLowerCase() === login.toLowerCase()))
            issue.assignees.push(login);
        touch(issue);
        return { clientMutationId: null, assignable: this.issueView(repo, issue) };
      },
      addSubIssue: ({
        input,
      }: {
        input: { issueId: string; subIssueId?: string; replaceParent?: boolean | null };
      }) => {
        const parent = this.subject(input.issueId);
        const child = this.subject(input.subIssueId ?? "");
        if (child.issue.parent === parent.issue.databaseId)
          throw unprocessable("Issue may not contain duplicate sub-issues");
        if (child.issue.parent !== null && !input.replaceParent)
          throw unprocessable("Sub issue may only have one parent");
        if (parent.issue.subIssues.length >= 100)
          throw unprocessable("Parent cannot have more than 100 sub-issues");
        if (child.issue.parent !== null) {
          const old = this.issueByDatabaseId(child.issue.parent);
          if (old) old.issue.subIssues = old.issue.subIssues.filter((id) => id !== child.issue.databaseId);
        }
        parent.issue.subIssues.push(child.issue.databaseId);
        child.issue.parent = parent.issue.databaseId;
        return {
          clientMutationId: null,
          issue: this.issueView(parent.repo, parent.issue),
          subIssue: this.issueView(child.repo, child.issue),
        };
      },
      ...this.extraMutation,
    };
    return Object.fromEntries(
      Object.entries(fields).map(([field, resolve]) => [
        field,
        (args: unknown) => {
          const failure = this.takeFailure({ method: "POST", ...this.currentOperation, field });
          if (failure)
            throw new GraphQLError(failure.message ?? "fake failure", {
              extensions: { type: failure.errorType ?? "UNPROCESSABLE" },
            });
          return (resolve as (a: unknown) => unknown)(args);
        },
      ]),
    );
  }

  /** Logins behind user node ids (`U_login`) that can be assigned in `repo`: its collaborators. */
  private assignable(repo: FakeRepo, userIds: string[]): string[] {
    return userIds
      .map((id) => id.replace(/^U_/, ""))
      .filter((login) => (repo.collaborators.get(login.toLowerCase()) ?? "none") !== "none");
  }

  // ---- REST ----------------------------------------------------------------------------------------------

  route(
    method: string,
    pattern: RegExp,
    handle: (m: RegExpExecArray, body: any, query: URLSearchParams) => [number, unknown],
  ) {
    this.restRoutes.unshift({ method, pattern, handle });
  }

  restIssue(repo: FakeRepo, issue: FakeIssue) {
    return {
      id: issue.databaseId,
      node_id: issue.id,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state.toLowerCase(),
      state_reason: issue.stateReason?.toLowerCase() ?? null,
      labels: issue.labels.map((name) => ({ name, id: 1, node_id: this.label(repo, name).id })),
      assignees: issue.assignees.map((login) => ({ login })),
      user: { login: issue.author, type: "User" },
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      html_url: `https://github.com/${repo.owner}/${repo.name}/issues/${issue.number}`,
      repository_url: `${this.baseUrl}/repos/${repo.owner}/${repo.name}`,
      ...(issue.pullRequest ? { pull_request: { url: "" } } : {}),
    };
  }

  private findRepo(owner: string, name: string) {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  private installRestRoutes() {
    const R = "/repos/([^/]+)/([^/]+)";
    const withRepo =
      (fn: (repo: FakeRepo, m: RegExpExecArray, body: any, query: URLSearchParams) => [number, unknown]) =>
      (m: RegExpExecArray, body: any, query: URLSearchParams): [number, unknown] => {
        const repo = this.findRepo(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
        if (!repo) return [404, { message: "Not Found" }];
        return fn(repo, m, body, query);
      };
    const withIssue = (
      fn: (
        repo: FakeRepo,
        issue: FakeIssue,
        m: RegExpExecArray,
        body: any,
        query: URLSearchParams,
      ) => [number, unknown],
    ) =>
      withRepo((repo, m, body, query) => {
        const issue = repo.issues.get(Number(m[3]));
        if (!issue) return [404, { message: "Not Found" }];
        return fn(repo, issue, m, body, query);
      });

    this.restRoutes.push(
      {
        method: "GET",
        pattern: new RegExp(`^${R}/contents/(.+)$`),
        handle: withRepo((repo, m, _b, query) => {
          const path = decodeURIComponent(m[3]!);
          const ref = query.get("ref");
          const files = ref ? (repo.filesAt.get(ref) ?? repo.files) : repo.files;
          const content = files.get(path);
          return content === undefined ? [404, { message: "Not Found" }] : [200, content];
        }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^${R}/collaborators/([^/]+)/permission$`),
        handle: withRepo((repo, m) => {
          const permission = repo.collaborators.get(decodeURIComponent(m[3]!).toLowerCase()) ?? "none";
          const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
          return [200, { permission: legacy, role_name: permission, user: { login: m[3] } }];
        }),
      },
      {
        method: "GET",
        pattern: /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/,
        handle: (m) => {
          const members = this.teams.get(`${m[1]}/${m[2]}`.toLowerCase());
          return members?.has(m[3]!.toLowerCase())
            ? [200, { state: "active", role: "member" }]
            : [404, { message: "Not Found" }];
        },
      },
      {
        method: "POST",
        pattern: new RegExp(`^${R}/issues/(\\d+)/comments$`),
        handle: withIssue((repo, issue, _m, body) => {
          if (String(body.body).length > MAX_COMMENT_LENGTH) return [422, commentTooLong()];
          const c = this.addComment(`${repo.owner}/${repo.name}`, issue.number, this.actor, body.body);
          return [201, { id: c.databaseId, node_id: c.id, body: c.body, user: { login: c.author } }];
        }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^${R}/issues/(\\d+)/comments$`),
        handle: withIssue((_repo, issue) => [
          200,
          issue.comments.map((c) => ({
            id: c.databaseId,
            node_id: c.id,
            body: c.body,
            user: { login: c.author },
            created_at: c.createdAt,
            updated_at: c.createdAt,
          })),
        ]),
      },
      {
        method: "PATCH",
        pattern: new RegExp(`^${R}/issues/comments/(\\d+)$`),
        handle: withRepo((repo, m, body) => {
          if (String(body.body).length > MAX_COMMENT_LENGTH) return [422, commentTooLong()];
          for (const issue of repo.issues.values()) {
            const c = issue.comments.find((x) => x.databaseId === Number(m[3]));
            if (c) {
              c.body = body.body;
              return [200, { id: c.databaseId, node_id: c.id, body: c.body }];
            }
          }
          return [404, { message: "Not Found" }];
        }),
      },
      {
        method: "POST",
        pattern: new RegExp(`^${R}/issues/comments/(\\d+)/reactions$`),
        handle: withRepo((repo, m, body) => {
          for (const issue of repo.issues.values()) {
            const c = issue.comments.find((x) => x.databaseId === Number(m[3]));
            if (c) {
              const exists = c.reactions.some((r) => r.content === body.content && r.user === this.actor);
              if (!exists) c.reactions.push({ content: body.content, user: this.actor });
              return [exists ? 200 : 201, { id: 1, content: body.content }];
            }
          }
          return [404, { message: "Not Found" }];
        }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^${R}/issues/(\\d+)/dependencies/blocked_by$`),
        handle: withIssue((_repo, issue) => [
          200,
          issue.blockedBy
            .map((id) => this.issueByDatabaseId(id))
            .filter((x): x is { repo: FakeRepo; issue: FakeIssue } => !!x)
            .map((x) => this.restIssue(x.repo, x.issue)),
        ]),
      },
      {
        method: "POST",
        pattern: new RegExp(`^${R}/issues/(\\d+)/dependencies/blocked_by$`),
        handle: withIssue((repo, issue, _m, body) => {
          const blocker = this.issueByDatabaseId(body.issue_id);
          if (!blocker) return [404, { message: "Not Found" }];
          if (issue.blockedBy.includes(body.issue_id)) return [422, { message: "already blocked by" }];
          issue.blockedBy.push(body.issue_id);
          return [201, this.restIssue(repo, issue)];
        }),
      },
      {
        method: "DELETE",
        pattern: new RegExp(`^${R}/issues/(\\d+)/dependencies/blocked_by/(\\d+)$`),
        handle: withIssue((repo, issue, m) => {
          const id = Number(m[4]);
          if (!issue.blockedBy.includes(id)) return [404, { message: "Not Found" }];
          issue.blockedBy = issue.blockedBy.filter((x) => x !== id);
          return [200, this.restIssue(repo, issue)];
        }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^${R}/commits/([^/]+)/check-runs$`),
        handle: withRepo((repo, m, _b, query) => {
          const runs = repo.checkRuns.filter(
            (r) => r.headSha === m[3] && (!query.get("check_name") || r.name === query.get("check_name")),
          );
          const latest = [...runs].reverse();
          return [200, { total_count: latest.length, check_runs: latest.map((r) => this.restCheckRun(r)) }];
        }),
      },
      {
        method: "POST",
        pattern: new RegExp(`^${R}/check-runs$`),
        handle: withRepo((repo, _m, body) => {
          const run: FakeCheckRun = {
            id: nextId(),
            name: body.name,
            headSha: body.head_sha,
            status: body.status ?? "queued",
            conclusion: body.conclusion ?? null,
            output: body.output ?? { title: null, summary: null },
            app: "batchbot",
            startedAt: now(),
            completedAt: body.conclusion ? now() : null,
          };
          if (body.conclusion) run.status = "completed";
          repo.checkRuns.push(run);
          return [201, this.restCheckRun(run)];
        }),
      },
      {
        method: "PATCH",
        pattern: new RegExp(`^${R}/check-runs/(\\d+)$`),
        handle: withRepo((repo, m, body) => {
          const run = repo.checkRuns.find((r) => r.id === Number(m[3]));
          if (!run) return [404, { message: "Not Found" }];
          if (body.status) run.status = body.status;
          if (body.conclusion !== undefined) {
            run.conclusion = body.conclusion;
            run.status = "completed";
            run.completedAt = now();
          }
          if (body.output) run.output = body.output;
          return [200, this.restCheckRun(run)];
        }),
      },
      {
        method: "GET",
        pattern: new RegExp(`^${R}/commits/([^/]+)/pulls$`),
        handle: withRepo((repo, m) => [
          200,
          [...repo.issues.values()]
            .filter((i) => i.pullRequest?.headSha === m[3])
            .map((i) => ({
              number: i.number,
              state: i.state.toLowerCase(),
              head: { sha: i.pullRequest!.headSha, ref: "feature" },
              base: { ref: i.pullRequest!.baseRef },
            })),
        ]),
      },
      {
        method: "GET",
        pattern: /^\/app$/,
        handle: () => [200, { slug: "batchbot", id: 1, name: "batchbot" }],
      },
      {
        method: "GET",
        pattern: /^\/app\/hook\/deliveries$/,
        handle: (_m, _b, query) => {
          // Newest first; the cursor is the offset of the page's first item (GitHub's is opaque).
          const all = [...this.deliveries].sort((a, b) => b.id - a.id);
          const perPage = Number(query.get("per_page") ?? 30);
          const start = Number(query.get("cursor") ?? 0);
          const page = all.slice(start, start + perPage).map(({ payload: _payload, ...item }) => item);
          const next = start + perPage < all.length;
          const link = `<${this.baseUrl}/app/hook/deliveries?per_page=${perPage}&cursor=${start + perPage}>; rel="next"`;
          return next ? [200, page, { link }] : [200, page];
        },
      },
      {
        method: "POST",
        pattern: /^\/app\/hook\/deliveries\/(\d+)\/attempts$/,
        handle: (m) => {
          const delivery = this.deliveries.find((d) => d.id === Number(m[1]));
          if (!delivery) return [404, { message: "Not Found" }];
          this.redeliveryRequests.push(delivery);
          return [202, {}];
        },
      },
      {
        method: "GET",
        pattern: /^\/app\/installations$/,
        handle: () => [200, this.installations],
      },
      {
        method: "GET",
        pattern: /^\/installation\/repositories$/,
        handle: () => {
          const repositories = [...this.repos.values()].map((r) => ({
            id: r.databaseId,
            name: r.name,
            full_name: `${r.owner}/${r.name}`,
            owner: { login: r.owner },
            archived: !!r.archived,
            disabled: false,
          }));
          return [200, { total_count: repositories.length, repositories }];
        },
      },
    );
  }

  restCheckRun(run: FakeCheckRun) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.headSha,
      status: run.status,
      conclusion: run.conclusion,
      output: run.output,
      app: run.app ? { slug: run.app } : null,
    };
  }
}

function headerRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : String(value ?? ""),
    ]),
  );
}

function mentions(body: string, number: number): boolean {
  return new RegExp(`#${number}(?![0-9])`).test(body);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
