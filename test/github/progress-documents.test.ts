import { describe, expect, it } from "vitest";
import { DASHBOARD_TITLE } from "../../src/domain/dashboard.js";
import { pinMutation } from "../../src/github/dashboard-issue.js";
import {
  createIssueMutation,
  issueBodyMutation,
  reopenIssueMutation,
} from "../../src/github/issue-writer.js";
import { mutationDocument } from "../../src/github/mutations.js";
import { PROGRESS_QUERY } from "../../src/github/progress-reader.js";
import { addItemMutation, createFieldMutation, fieldWriteMutation } from "../../src/github/projects.js";
import { validateDocument } from "../helpers/schema.js";

const row = {
  contentId: "I_1",
  number: 1,
  kind: "spec" as const,
  values: { status: null, agent: "", batch: "", domain: "" },
};
const fields = new Map([
  [
    "status" as const,
    { id: "F_s", name: "Status", dataType: "SINGLE_SELECT", options: [{ id: "o1", name: "Ready" }] },
  ],
  ["agent" as const, { id: "F_a", name: "Agent", dataType: "TEXT" }],
]);
const write = (key: "status" | "agent", value: string | null) => ({
  contentId: "I_1",
  number: 1,
  key,
  value,
});

describe("progress GraphQL documents", () => {
  it("the progress read is valid against GitHub's schema", () => {
    expect(validateDocument(PROGRESS_QUERY)).toEqual([]);
  });

  it("every write is valid, all aliased in one request", () => {
    const mutations = [
      createFieldMutation("P", {
        key: "status",
        name: "Status",
        dataType: "SINGLE_SELECT",
        options: ["Ready"],
      }),
      createFieldMutation("P", { key: "agent", name: "Agent", dataType: "TEXT", options: [] }),
      addItemMutation("P", row),
      fieldWriteMutation("P", write("status", "ready"), "PVTI_1", fields)!,
      fieldWriteMutation("P", write("agent", "db-agent"), "PVTI_1", fields)!,
      fieldWriteMutation("P", write("agent", null), "PVTI_1", fields)!,
      createIssueMutation("R", DASHBOARD_TITLE, "body", ["LA_1"], "the dashboard"),
      issueBodyMutation("I_9", "body", "dashboard #9"),
      reopenIssueMutation("I_9", "dashboard #9"),
      pinMutation("I_9", 9),
    ];
    expect(mutations.map((m) => m.field)).toEqual([
      "createProjectV2Field",
      "createProjectV2Field",
      "addProjectV2ItemById",
      "updateProjectV2ItemFieldValue",
      "updateProjectV2ItemFieldValue",
      "clearProjectV2ItemFieldValue",
      "createIssue",
      "updateIssue",
      "reopenIssue",
      "pinIssue",
    ]);
    expect(validateDocument(mutationDocument(mutations))).toEqual([]);
  });

  it("writes a Status option by id, matched by name in any case", () => {
    expect(fieldWriteMutation("P", write("status", "READY"), "PVTI_1", fields)?.input).toEqual({
      projectId: "P",
      itemId: "PVTI_1",
      fieldId: "F_s",
      value: { singleSelectOptionId: "o1" },
    });
    expect(fieldWriteMutation("P", write("status", "Done"), "PVTI_1", fields)).toBeNull();
    expect(fieldWriteMutation("P", write("agent", "x"), undefined, fields)).toBeNull();
  });
});
