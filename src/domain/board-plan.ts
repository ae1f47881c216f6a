import {
  BOARD_FIELD_KEYS,
  BOARD_FIELDS,
  BOARD_STATUSES,
  type BoardFieldKey,
  type BoardRow,
} from "./board-state.js";

/** A field of the project as GitHub describes it (`dataType` is GitHub's ProjectV2FieldType). */
export interface BoardField {
  id: string;
  name: string;
  dataType: string;
  options?: Array<{ id: string; name: string }>;
}

/** An item already on the board: its id and the values of batchbot's fields (Status by option name). */
export interface BoardItem {
  itemId: string;
  values: Partial<Record<BoardFieldKey, string | null>>;
}

export interface FieldToCreate {
  key: BoardFieldKey;
  name: string;
  dataType: "TEXT" | "SINGLE_SELECT";
  options: string[];
}

/** One field value to write: text, a Status option name, or `null` to clear the field. */
export interface FieldWrite {
  contentId: string;
  number: number;
  key: BoardFieldKey;
  value: string | null;
}

export interface BoardPlan {
  createFields: FieldToCreate[];
  /** Rows whose issue is not on the board yet. */
  add: BoardRow[];
  writes: FieldWrite[];
  /** What batchbot can't do on this board, worded for the people who can fix it. */
  problems: string[];
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Desired rows against the board as it is: fields to create, issues to add, values that differ. Fields are matched
 * by exact name (as `fieldValueByName` reads them), Status options by name in any case. Values already right are
 * not written; a Status option the field lacks is reported and that item's Status left alone.
 */
export function planBoard(
  fields: readonly BoardField[],
  rows: readonly BoardRow[],
  items: ReadonlyMap<string, BoardItem>,
): BoardPlan {
  const plan: BoardPlan = { createFields: [], add: [], writes: [], problems: [] };
  const usable = new Set<BoardFieldKey>();
  let statusOptions: string[] = [...BOARD_STATUSES];
  for (const key of BOARD_FIELD_KEYS) {
    const name = BOARD_FIELDS[key];
    const wanted = key === "status" ? "SINGLE_SELECT" : "TEXT";
    const field = fields.find((f) => f.name === name);
    const lookalike = fields.find((f) => same(f.name, name));
    if (!field && lookalike) {
      plan.problems.push(
        `The field "${lookalike.name}" must be named exactly "${name}" for batchbot to use it; it is left alone.`,
      );
    } else if (!field) {
      plan.createFields.push({ key, name, dataType: wanted, options: key === "status" ? statusOptions : [] });
      usable.add(key);
    } else if (field.dataType !== wanted) {
      plan.problems.push(
        `The ${name} field is a ${field.dataType.toLowerCase().replace(/_/g, "-")} field, not ${wanted === "TEXT" ? "text" : "single-select"}; batchbot leaves it alone.`,
      );
    } else {
      usable.add(key);
      if (key === "status") statusOptions = (field.options ?? []).map((o) => o.name);
    }
  }

  const missingOptions = BOARD_STATUSES.filter((s) => !statusOptions.some((o) => same(o, s)));
  let waitingForOption = 0;
  for (const row of rows) {
    const item = items.get(row.contentId);
    if (!item) plan.add.push(row);
    for (const key of usable) {
      const current = item?.values[key] ?? null;
      if (key === "status") {
        const status = row.values.status;
        if (status === null || (current !== null && same(current, status))) continue;
        if (missingOptions.includes(status)) {
          waitingForOption++;
          continue;
        }
        plan.writes.push({ contentId: row.contentId, number: row.number, key, value: status });
        continue;
      }
      const desired = row.values[key].trim();
      if (desired === (current ?? "").trim()) continue;
      plan.writes.push({ contentId: row.contentId, number: row.number, key, value: desired || null });
    }
  }
  if (usable.has("status") && missingOptions.length)
    plan.problems.push(
      `The Status field has no option ${missingOptions.map((o) => `"${o}"`).join(", ")}. Add ${missingOptions.length > 1 ? "them" : "it"} with these names in the project's field settings${waitingForOption ? `; until then batchbot leaves Status alone on ${waitingForOption} item${waitingForOption === 1 ? "" : "s"} that need${waitingForOption === 1 ? "s" : ""} ${missingOptions.length > 1 ? "them" : "it"}` : ""}.`,
    );
  return plan;
}
