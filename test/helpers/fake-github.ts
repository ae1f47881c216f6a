import { type ExecutionResult, execute, GraphQLError, parse, validate } from "graphql";
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
  blockedBy: number[];
  subIssues: number[];
  parent: number | null;
  pinned: boolean;
  pullRequest: null | {
    merged: boolean;
    headSha: string;
    baseRef: string;
    reviews: FakeReview[];
    closingIssues: number[];
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
  statuses: Array<{ sha: string; context: string; state: string }>;
  collaborators: Map<string, Permission>;
  nextNumber: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  kind: "read" | "write";
  operation?: string;
  /** For aliased GraphQL mutations, how many fields the request carried. */
  fields?: number;
  body?: unknown;
}

export interface FailureRule {
  match: (req: { method: string; path: string; operation?: string; field?: string }) => boolean;
  status: number;
  times: number;
  headers?: Record<string, string>;
  message?: string;
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
const now = () => new Date(Date.UTC(2026, 10, 25, 12, 0, counter % 60)).toISOString();

function encodeCursor(i: number) {
  return Buffer.from(`cursor:${i}`).toString("base64");
}
function decodeCursor(c: string | null | undefined) {
  if (!c) return -1;
  return Number(Buffer.from(c, "base64").toString().slice(7));
}

function connection<T>(items: T[], args: { first?: number; last?: number; after?: string | null }) {
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

function notFound(message: string): GraphQLError {
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
  /** Extra GraphQL root fields (projects and other later features register theirs here). */
  extraQuery: Record<string, unknown> = {};
  extraMutation: Record<string, unknown> = {};
  restRoutes: Array<{
    method: string;
    pattern: RegExp;
    handle: (m: RegExpExecArray, body: any, query: URLSearchParams) => [number, unknown];
  }> = [];
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
      blockedBy: [],
      subIssues: [],
      parent: null,
      pinned: false,
      pullRequest: null,
      ...issue,
    };
    for (const l of created.labels) this.label(repo, l);
    repo.issues.set(number, created);
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
    for (const method of ["get", "post", "patch", "put", "delete"] as const) {
      scope
        .intercept(/.*/, method.toUpperCase())
        .reply((uri, body) => this.handle(method.toUpperCase(), uri, body) as unknown as nock.ReplyFnResult);
    }
    this.scope = scope;
    return this;
  }

  uninstall() {
    this.scope?.persist(false);
    nock.cleanAll();
  }

  private handle(method: string, uri: string, rawBody: unknown): [number, unknown, Record<string, string>?] {
    const url = new URL(uri, this.baseUrl);
    const path = url.pathname.replace(/^\/api\/v3/, "");
    const body = typeof rawBody === "string" && rawBody ? safeJson(rawBody) : rawBody;
    if (path === "/graphql" || path === "/api/graphql")
      return this.handleGraphql(body as { query: string; variables?: Record<string, unknown> }, path);
    const kind = method === "GET" ? "read" : "write";
    const failure = this.takeFailure({ method, path });
    this.requests.push({ method, path: path + url.search, kind, body });
    if (failure) return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    for (const route of this.restRoutes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) {
        const [status, data] = route.handle(m, body, url.searchParams);
        return [status, data];
      }
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
    const document = parse(body.query);
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
    });
    if (failure) return [failure.status, { message: failure.message ?? "fake failure" }, failure.headers];
    this.currentOperation = { path, operation };
    const errors = validate(githubSchema(), document);
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
      author: { __typename: "User", login: issue.author },
      repository: () => this.repoView(repo),
      headRefOid: pr?.headSha,
      baseRefName: pr?.baseRef,
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
            author: {
              __typename: c.author.endsWith("[bot]") ? "Bot" : "User",
              login: c.author.replace(/\[bot\]$/, ""),
            },
          })),
          args,
        ),
      reviews: (args: { first?: number; after?: string }) =>
        connection(
          (pr?.reviews ?? []).map((r) => ({
            __typename: "PullRequestReview",
            id: r.id,
            databaseId: r.databaseId,
            state: r.state,
            body: r.body,
            submittedAt: r.submittedAt,
            author: { __typename: "User", login: r.author },
            commit: { __typename: "Commit", oid: r.commitSha },
          })),
          args,
        ),
      closingIssuesReferences: (args: { first?: number; after?: string }) =>
        connection(
          byDatabaseId((pr?.closingIssues ?? []).map((n) => repo.issues.get(n)?.databaseId ?? -1)),
          args,
        ),
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
    };
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
          if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) issue.labels.push(name);
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
        const comment = this.addComment(
          `${repo.owner}/${repo.name}`,
          issue.number,
          "batchbot[bot]",
          input.body,
        );
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
        const node = this.nodes.get(input.id);
        if (!node?.comment) throw notFound(`no comment ${input.id}`);
        node.comment.body = input.body;
        return {
          clientMutationId: null,
          issueComment: { __typename: "IssueComment", id: node.comment.id, body: node.comment.body },
        };
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
          author: "batchbot[bot]",
        });
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
          const c = this.addComment(`${repo.owner}/${repo.name}`, issue.number, "batchbot[bot]", body.body);
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
          })),
        ]),
      },
      {
        method: "PATCH",
        pattern: new RegExp(`^${R}/issues/comments/(\\d+)$`),
        handle: withRepo((repo, m, body) => {
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
              const exists = c.reactions.some(
                (r) => r.content === body.content && r.user === "batchbot[bot]",
              );
              if (!exists) c.reactions.push({ content: body.content, user: "batchbot[bot]" });
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
          }
          if (body.output) run.output = body.output;
          return [200, this.restCheckRun(run)];
        }),
      },
      {
        method: "GET",
        pattern: /^\/app$/,
        handle: () => [200, { slug: "batchbot", id: 1, name: "batchbot" }],
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
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
