import { GraphQLError } from "graphql";
import { connection, type FakeGitHub, type FakeIssue, type FakeRepo, notFound } from "./fake-github.js";

/** The Status options batchbot's board uses, in the board's order. */
export const BOARD_STATUSES = [
  "Blocked",
  "Ready",
  "In batch",
  "In review",
  "Changes requested",
  "Validated",
  "Done",
];

/**
 * Projects (v2) for the fake GitHub, shaped as GitHub's GraphQL API serves them: owners (organisations and users)
 * found by `repositoryOwner`/`organization`/`user`, projects with fields (single-select options carry ids),
 * items read from the project or from `Issue.projectItems`, and the four mutations batchbot uses.
 * A project can be made unreadable or read-only, as a project the app has no permission for.
 */

export interface FakeProjectField {
  id: string;
  name: string;
  dataType: string;
  options?: Array<{ id: string; name: string; color: string; description: string }>;
}

export interface FakeProjectItem {
  id: string;
  contentId: string;
  archived: boolean;
  /** Values by field id: text or a single-select option id. */
  values: Map<string, { text?: string; optionId?: string }>;
}

export interface FakeProject {
  id: string;
  number: number;
  owner: FakeOwner;
  title: string;
  closed: boolean;
  fields: FakeProjectField[];
  items: FakeProjectItem[];
  readable: boolean;
  writable: boolean;
}

export interface FakeOwner {
  login: string;
  type: "Organization" | "User";
  id: string;
}

export interface ProjectOptions {
  number: number;
  type?: "Organization" | "User";
  title?: string;
  /** Options of the default Status field (GitHub's default: Todo, In Progress, Done); `null`: no Status field. */
  statusOptions?: string[] | null;
  /** More fields, e.g. `{ name: "Agent", dataType: "TEXT" }`. */
  fields?: Array<{ name: string; dataType: string; options?: string[] }>;
  readable?: boolean;
  writable?: boolean;
}

let counter = 0;
const id = (prefix: string) => `${prefix}_${++counter}`;

function forbidden(): GraphQLError {
  return new GraphQLError("Resource not accessible by integration", { extensions: { type: "FORBIDDEN" } });
}

function unprocessable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "UNPROCESSABLE" } });
}

export class FakeProjects {
  owners = new Map<string, FakeOwner>();
  projects: FakeProject[] = [];

  constructor(readonly fake: FakeGitHub) {
    const ownerField =
      (type?: FakeOwner["type"]) =>
      ({ login }: { login: string }) => {
        const owner = this.owners.get(login.toLowerCase());
        if (type && owner?.type !== type)
          throw notFound(
            `Could not resolve to ${type === "Organization" ? "an Organization" : "a User"} with the login of '${login}'.`,
          );
        return owner ? this.ownerView(owner) : null;
      };
    Object.assign(fake.extraQuery, {
      repositoryOwner: ownerField(),
      organization: ownerField("Organization"),
      user: ownerField("User"),
    });
    Object.assign(fake.extraMutation, {
      addProjectV2ItemById: ({ input }: { input: { projectId: string; contentId: string } }) => {
        const project = this.writableProject(input.projectId);
        const content = this.fake.node(input.contentId);
        if (!content?.issue)
          throw notFound(`Could not resolve to a node with the global id of '${input.contentId}'`);
        const item = this.addItem(project, input.contentId);
        return { clientMutationId: null, item: this.itemView(project, item) };
      },
      updateProjectV2ItemFieldValue: ({
        input,
      }: {
        input: {
          projectId: string;
          itemId: string;
          fieldId: string;
          value: { text?: string; singleSelectOptionId?: string; number?: number; date?: string };
        };
      }) => {
        const { project, item, field } = this.target(input);
        if (field.dataType === "TEXT") {
          if (typeof input.value.text !== "string") throw unprocessable("A text field takes a text value.");
          item.values.set(field.id, { text: input.value.text });
        } else if (field.dataType === "SINGLE_SELECT") {
          const option = field.options?.find((o) => o.id === input.value.singleSelectOptionId);
          if (!option) throw unprocessable("The single select option Id does not belong to the field");
          item.values.set(field.id, { optionId: option.id });
        } else throw unprocessable(`Field ${field.name} can't be updated through the API.`);
        return { clientMutationId: null, projectV2Item: this.itemView(project, item) };
      },
      clearProjectV2ItemFieldValue: ({
        input,
      }: {
        input: { projectId: string; itemId: string; fieldId: string };
      }) => {
        const { project, item, field } = this.target(input);
        item.values.delete(field.id);
        return { clientMutationId: null, projectV2Item: this.itemView(project, item) };
      },
      createProjectV2Field: ({
        input,
      }: {
        input: {
          projectId: string;
          dataType: string;
          name: string;
          singleSelectOptions?: Array<{ name: string; color: string; description: string }>;
        };
      }) => {
        const project = this.writableProject(input.projectId);
        if (project.fields.some((f) => f.name.toLowerCase() === input.name.toLowerCase()))
          throw unprocessable("Name has already been taken");
        if (input.dataType === "SINGLE_SELECT" && !input.singleSelectOptions?.length)
          throw unprocessable("Single select fields need at least one option");
        const field = this.addField(project, {
          name: input.name,
          dataType: input.dataType,
          ...(input.singleSelectOptions ? { options: input.singleSelectOptions.map((o) => o.name) } : {}),
        });
        return { clientMutationId: null, projectV2Field: this.fieldView(project, field) };
      },
    });
    fake.issueExtras.push((_repo: FakeRepo, issue: FakeIssue) => ({
      projectItems: (args: { first?: number; after?: string; includeArchived?: boolean }) =>
        connection(
          this.projects
            .filter((p) => p.readable)
            .flatMap((p) =>
              p.items
                .filter((i) => i.contentId === issue.id && (args.includeArchived !== false || !i.archived))
                .map((i) => this.itemView(p, i)),
            ),
          args,
        ),
    }));
  }

  // ---- state -----------------------------------------------------------------------------------------------

  owner(login: string, type: FakeOwner["type"] = "Organization"): FakeOwner {
    let owner = this.owners.get(login.toLowerCase());
    if (!owner) {
      owner = { login, type, id: id(type === "User" ? "U" : "O") };
      this.owners.set(login.toLowerCase(), owner);
    }
    return owner;
  }

  addProject(login: string, options: ProjectOptions): FakeProject {
    const project: FakeProject = {
      id: id("PVT"),
      number: options.number,
      owner: this.owner(login, options.type),
      title: options.title ?? `Project ${options.number}`,
      closed: false,
      fields: [],
      items: [],
      readable: options.readable ?? true,
      writable: options.writable ?? true,
    };
    this.projects.push(project);
    this.addField(project, { name: "Title", dataType: "TITLE" });
    this.addField(project, { name: "Assignees", dataType: "ASSIGNEES" });
    const status =
      options.statusOptions === undefined ? ["Todo", "In Progress", "Done"] : options.statusOptions;
    if (status) this.addField(project, { name: "Status", dataType: "SINGLE_SELECT", options: status });
    this.addField(project, { name: "Labels", dataType: "LABELS" });
    this.addField(project, { name: "Repository", dataType: "REPOSITORY" });
    for (const field of options.fields ?? []) this.addField(project, field);
    return project;
  }

  addField(
    project: FakeProject,
    field: { name: string; dataType: string; options?: string[] },
  ): FakeProjectField {
    const created: FakeProjectField = {
      id: id("PVTF"),
      name: field.name,
      dataType: field.dataType,
      ...(field.options
        ? { options: field.options.map((name) => ({ id: id("opt"), name, color: "GRAY", description: "" })) }
        : {}),
    };
    project.fields.push(created);
    return created;
  }

  /** Adds an issue to the project; an issue already there keeps its item (as GitHub does). */
  addItem(project: FakeProject, contentId: string): FakeProjectItem {
    let item = project.items.find((i) => i.contentId === contentId);
    if (!item) {
      item = { id: id("PVTI"), contentId, archived: false, values: new Map() };
      project.items.push(item);
    }
    return item;
  }

  field(project: FakeProject, name: string): FakeProjectField | undefined {
    return project.fields.find((f) => f.name === name);
  }

  item(project: FakeProject, contentId: string): FakeProjectItem | undefined {
    return project.items.find((i) => i.contentId === contentId);
  }

  /** An item's value of field `name`: text, or the selected option's name. */
  value(project: FakeProject, contentId: string, name: string): string | null {
    const field = this.field(project, name);
    const value = field && this.item(project, contentId)?.values.get(field.id);
    if (!field || !value) return null;
    return value.text ?? field.options?.find((o) => o.id === value.optionId)?.name ?? null;
  }

  /** Sets a value directly (test setup): text, or an option of a single-select field by name. */
  setValue(project: FakeProject, contentId: string, name: string, value: string): void {
    const field = this.field(project, name);
    if (!field) throw new Error(`no field ${name}`);
    const item = this.addItem(project, contentId);
    if (field.dataType === "SINGLE_SELECT") {
      const option = field.options?.find((o) => o.name === value);
      if (!option) throw new Error(`no option ${value}`);
      item.values.set(field.id, { optionId: option.id });
    } else item.values.set(field.id, { text: value });
  }

  // ---- views -----------------------------------------------------------------------------------------------

  private ownerView(owner: FakeOwner) {
    return {
      __typename: owner.type,
      id: owner.id,
      login: owner.login,
      projectV2: ({ number }: { number: number }) => {
        const project = this.projects.find((p) => p.owner === owner && p.number === number);
        if (!project) throw notFound(`Could not resolve to a ProjectV2 with the number ${number}.`);
        if (!project.readable) throw forbidden();
        return this.projectView(project);
      },
    };
  }

  private projectView(project: FakeProject): Record<string, unknown> {
    const kind = project.owner.type === "Organization" ? "orgs" : "users";
    return {
      __typename: "ProjectV2",
      id: project.id,
      number: project.number,
      title: project.title,
      closed: project.closed,
      url: `https://github.com/${kind}/${project.owner.login}/projects/${project.number}`,
      fields: (args: { first?: number; after?: string }) =>
        connection(
          project.fields.map((f) => this.fieldView(project, f)),
          args,
        ),
      field: ({ name }: { name: string }) => {
        const field = this.field(project, name);
        return field ? this.fieldView(project, field) : null;
      },
      items: (args: { first?: number; after?: string }) =>
        connection(
          project.items.map((i) => this.itemView(project, i)),
          args,
        ),
    };
  }

  private fieldView(project: FakeProject, field: FakeProjectField): Record<string, unknown> {
    const common = {
      id: field.id,
      name: field.name,
      dataType: field.dataType,
      project: () => this.projectView(project),
    };
    if (field.dataType === "SINGLE_SELECT")
      return {
        __typename: "ProjectV2SingleSelectField",
        ...common,
        options: ({ names }: { names?: string[] }) =>
          (field.options ?? [])
            .filter((o) => !names || names.some((n) => n.toLowerCase() === o.name.toLowerCase()))
            .map((o) => ({ ...o, nameHTML: o.name, descriptionHTML: o.description })),
      };
    if (field.dataType === "ITERATION") return { __typename: "ProjectV2IterationField", ...common };
    return { __typename: "ProjectV2Field", ...common };
  }

  private valueView(project: FakeProject, item: FakeProjectItem, field: FakeProjectField) {
    const value = item.values.get(field.id);
    if (!value) return null;
    const common = { id: `${item.id}:${field.id}`, field: this.fieldView(project, field) };
    if (field.dataType === "SINGLE_SELECT") {
      const option = field.options?.find((o) => o.id === value.optionId);
      return {
        __typename: "ProjectV2ItemFieldSingleSelectValue",
        ...common,
        name: option?.name ?? null,
        optionId: value.optionId ?? null,
        color: option?.color ?? "GRAY",
      };
    }
    return { __typename: "ProjectV2ItemFieldTextValue", ...common, text: value.text ?? null };
  }

  private itemView(project: FakeProject, item: FakeProjectItem): Record<string, unknown> {
    return {
      __typename: "ProjectV2Item",
      id: item.id,
      isArchived: item.archived,
      type: "ISSUE",
      project: () => this.projectView(project),
      content: () => {
        const node = this.fake.node(item.contentId);
        return node?.issue ? this.fake.issueView(node.repo, node.issue) : null;
      },
      fieldValueByName: ({ name }: { name: string }) => {
        const field = project.fields.find((f) => f.name === name && item.values.has(f.id));
        return field ? this.valueView(project, item, field) : null;
      },
      fieldValues: (args: { first?: number; after?: string }) =>
        connection(
          project.fields.map((f) => this.valueView(project, item, f)).filter((v) => v !== null),
          args,
        ),
    };
  }

  // ---- checks ----------------------------------------------------------------------------------------------

  private writableProject(projectId: string): FakeProject {
    const project = this.projects.find((p) => p.id === projectId);
    if (!project?.readable)
      throw notFound(`Could not resolve to a node with the global id of '${projectId}'`);
    if (!project.writable) throw forbidden();
    return project;
  }

  private target(input: { projectId: string; itemId: string; fieldId: string }) {
    const project = this.writableProject(input.projectId);
    const item = project.items.find((i) => i.id === input.itemId);
    if (!item) throw notFound(`Could not resolve to a node with the global id of '${input.itemId}'`);
    const field = project.fields.find((f) => f.id === input.fieldId);
    if (!field) throw notFound(`Could not resolve to a node with the global id of '${input.fieldId}'`);
    return { project, item, field };
  }
}

const installed = new WeakMap<FakeGitHub, FakeProjects>();

/** The fake's Projects (v2), installed on first use. */
export function projectsOf(fake: FakeGitHub): FakeProjects {
  let projects = installed.get(fake);
  if (!projects) {
    projects = new FakeProjects(fake);
    installed.set(fake, projects);
  }
  return projects;
}
