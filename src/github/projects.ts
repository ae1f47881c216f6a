import type { BoardField, BoardItem, FieldToCreate, FieldWrite } from "../domain/board-plan.js";
import {
  BOARD_FIELD_KEYS,
  BOARD_FIELDS,
  type BoardFieldKey,
  type BoardRow,
  type BoardStatus,
} from "../domain/board-state.js";
import { describeProject, type ProjectRef } from "../domain/project-ref.js";
import { type GraphqlError, nodesOf } from "./graphql.js";
import type { Mutation } from "./mutations.js";

/**
 * Projects (v2) through GraphQL: the project and its fields are read by `repositoryOwner(login:)`, which answers
 * for organisations and users alike; items are read from the issues' side (`Issue.projectItems`), so a project
 * shared by many repositories costs nothing extra. Writes are built here and sent as aliased mutation batches.
 */

export const PROJECT_SELECTION = /* GraphQL */ `__typename login ... on ProjectV2Owner { projectV2(number: $projectNumber) { id title url closed fields(first: 50) { nodes { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { id name } } } } } }`;

/** Selection of an issue's project items with the values of batchbot's fields, read by field name. */
export const PROJECT_ITEMS_SELECTION = `projectItems(first: 20) @include(if: $withItems) { nodes { id project { id } ${BOARD_FIELD_KEYS.map(
  (key) =>
    `${key}: fieldValueByName(name: "${BOARD_FIELDS[key]}") { ... on ProjectV2ItemFieldSingleSelectValue { name } ... on ProjectV2ItemFieldTextValue { text } }`,
).join(" ")} } }`;

export interface ProjectOwnerNode {
  __typename: "Organization" | "User";
  login: string;
  projectV2?: {
    id: string;
    title: string;
    url: string;
    closed: boolean;
    fields: { nodes: Array<Partial<BoardField> | null> };
  } | null;
}

export interface ProjectItemsNode {
  nodes: Array<{
    id: string;
    project: { id: string };
    [key: string]: unknown;
  } | null>;
}

export interface BoardProject {
  id: string;
  title: string;
  url: string;
  fields: BoardField[];
}

export const PERMISSION_HINT =
  "batchbot needs the Organization projects (read and write) permission for an organisation's project; GitHub Apps can't write to projects owned by a user account.";

/** The project from the read, or why it can't be used. */
export function projectFromOwner(
  ref: ProjectRef,
  owner: ProjectOwnerNode | null | undefined,
  errors: readonly GraphqlError[],
): { project: BoardProject | null; problem: string | null } {
  if (!owner) return { project: null, problem: `No organisation or user "${ref.owner}" was found.` };
  if (ref.ownerType && owner.__typename !== ref.ownerType)
    return {
      project: null,
      problem: `${ref.owner} is ${owner.__typename === "User" ? "a user" : "an organisation"}, but the project URL says ${ref.ownerType === "User" ? "/users/" : "/orgs/"}.`,
    };
  const node = owner.projectV2;
  if (!node) {
    const error = errors.find((e) => e.path?.includes("projectV2"));
    return {
      project: null,
      problem: `${describeProject(ref)} can't be read${error ? ` (${error.message})` : ""}. ${PERMISSION_HINT}`,
    };
  }
  const fields = nodesOf(node.fields)
    .filter((f): f is Partial<BoardField> => !!f?.id && !!f.name && !!f.dataType)
    .map((f) => ({
      id: f.id!,
      name: f.name!,
      dataType: f.dataType!,
      ...(f.options ? { options: f.options } : {}),
    }));
  return { project: { id: node.id, title: node.title, url: node.url, fields }, problem: null };
}

/** The item of `projectId` among an issue's project items, with the values of batchbot's fields. */
export function boardItemOf(items: ProjectItemsNode | null | undefined, projectId: string): BoardItem | null {
  const node = nodesOf(items).find((n) => n.project?.id === projectId);
  if (!node) return null;
  const values: BoardItem["values"] = {};
  for (const key of BOARD_FIELD_KEYS) {
    const value = node[key] as { name?: string | null; text?: string | null } | null | undefined;
    values[key] = value?.name ?? value?.text ?? null;
  }
  return { itemId: node.id, values };
}

const STATUS_COLORS: Record<BoardStatus, string> = {
  Blocked: "RED",
  Ready: "GRAY",
  "In batch": "BLUE",
  "In review": "YELLOW",
  "Changes requested": "ORANGE",
  Validated: "GREEN",
  Done: "PURPLE",
};

const FIELD_SELECTION =
  "projectV2Field { ... on ProjectV2FieldCommon { id name dataType } ... on ProjectV2SingleSelectField { options { id name } } }";

export function createFieldMutation(projectId: string, field: FieldToCreate): Mutation {
  return {
    field: "createProjectV2Field",
    inputType: "CreateProjectV2FieldInput",
    input: {
      projectId,
      dataType: field.dataType,
      name: field.name,
      ...(field.dataType === "SINGLE_SELECT"
        ? {
            singleSelectOptions: field.options.map((name) => ({
              name,
              color: STATUS_COLORS[name as BoardStatus] ?? "GRAY",
              description: "",
            })),
          }
        : {}),
    },
    select: FIELD_SELECTION,
    describe: `create project field ${field.name}`,
  };
}

/** A field created by `createFieldMutation`, from its result. */
export function createdField(result: unknown): BoardField | null {
  const field = (result as { projectV2Field?: Partial<BoardField> | null } | null)?.projectV2Field;
  if (!field?.id || !field.name || !field.dataType) return null;
  return {
    id: field.id,
    name: field.name,
    dataType: field.dataType,
    ...(field.options ? { options: field.options } : {}),
  };
}

export function addItemMutation(projectId: string, row: BoardRow): Mutation {
  return {
    field: "addProjectV2ItemById",
    inputType: "AddProjectV2ItemByIdInput",
    input: { projectId, contentId: row.contentId },
    select: "item { id }",
    describe: `add #${row.number} to the project`,
  };
}

export function addedItemId(result: unknown): string | null {
  return (result as { item?: { id: string } | null } | null)?.item?.id ?? null;
}

/**
 * The mutation writing one field value: text, a Status option (by name, looked up in the field's options) or a
 * clear. `null` when the item or field is unknown (its creation failed).
 */
export function fieldWriteMutation(
  projectId: string,
  write: FieldWrite,
  itemId: string | undefined,
  fields: ReadonlyMap<BoardFieldKey, BoardField>,
): Mutation | null {
  const field = fields.get(write.key);
  if (!itemId || !field) return null;
  const describe = `#${write.number}: ${field.name} = ${write.value ?? "(empty)"}`;
  const target = { projectId, itemId, fieldId: field.id };
  if (write.value === null)
    return {
      field: "clearProjectV2ItemFieldValue",
      inputType: "ClearProjectV2ItemFieldValueInput",
      input: target,
      describe,
    };
  if (write.key === "status") {
    const wanted = write.value.toLowerCase();
    const option = field.options?.find((o) => o.name.trim().toLowerCase() === wanted);
    if (!option) return null;
    return {
      field: "updateProjectV2ItemFieldValue",
      inputType: "UpdateProjectV2ItemFieldValueInput",
      input: { ...target, value: { singleSelectOptionId: option.id } },
      describe,
    };
  }
  return {
    field: "updateProjectV2ItemFieldValue",
    inputType: "UpdateProjectV2ItemFieldValueInput",
    input: { ...target, value: { text: write.value } },
    describe,
  };
}

/** batchbot's fields of the project by key (exact names), existing and just created. */
export function fieldsByKey(fields: readonly BoardField[]): Map<BoardFieldKey, BoardField> {
  const out = new Map<BoardFieldKey, BoardField>();
  for (const key of BOARD_FIELD_KEYS) {
    const field = fields.find((f) => f.name === BOARD_FIELDS[key]);
    if (field) out.set(key, field);
  }
  return out;
}
