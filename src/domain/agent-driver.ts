import { z } from "zod";

/**
 * How batchbot starts an agent's run when its batch issue opens (`agents[].driver` in `.github/batch.yml`).
 * Every coding-agent runner on GitHub maps one issue to one run; the driver sends the start signal in the form the
 * runner documents, once per batch. See docs/drivers.md.
 */
const labelDriver = z
  .strictObject({
    label: z
      .string()
      .min(1)
      .max(50)
      .describe(
        "Label added to the batch issue when it opens (claude-code-action `label_trigger`, OpenHands `fix-me`)",
      ),
  })
  .describe("Start the agent with a label on the batch issue");

const mentionDriver = z
  .strictObject({
    mention: z
      .string()
      .regex(/^@[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?$/, "a mention such as @claude")
      .describe(
        "Mention written, live, in the batch issue body when it is created (`@claude`, `@openhands-agent`)",
      ),
  })
  .describe("Start the agent with a mention in the batch issue body");

const copilotDriver = z
  .strictObject({
    copilot: z
      .strictObject({
        instructions: z
          .string()
          .min(1)
          .max(2000)
          .optional()
          .describe("Custom instructions sent with the assignment (`agentAssignment.customInstructions`)"),
        base: z
          .string()
          .min(1)
          .max(255)
          .optional()
          .describe("Branch Copilot starts from (`agentAssignment.baseRef`); the default branch when absent"),
      })
      .prefault({})
      .describe(
        "Assign the batch issue to Copilot's coding agent with the user token in BATCHBOT_COPILOT_TOKEN",
      ),
  })
  .describe("Start GitHub Copilot's coding agent by assigning it the batch issue");

const dispatchDriver = z
  .strictObject({
    dispatch: z
      .strictObject({
        workflow: z
          .string()
          .regex(/^[A-Za-z0-9._-]+\.ya?ml$|^\d+$/, "a workflow file name such as agent.yml, or its id")
          .describe("Workflow file in .github/workflows (or its id) with a `workflow_dispatch` trigger"),
        ref: z
          .string()
          .min(1)
          .max(255)
          .optional()
          .describe("Branch or tag the workflow runs on; the default branch when absent"),
      })
      .describe("Run a workflow with the batch issue number as its `batch` input (needs Actions: write)"),
  })
  .describe("Start any runner a team writes with a workflow_dispatch");

export const driverSchema = z
  .union([z.literal("none"), labelDriver, mentionDriver, copilotDriver, dispatchDriver], {
    error:
      'one of none, {label: NAME}, {mention: "@name"}, {copilot: {instructions?, base?}}, {dispatch: {workflow: FILE, ref?}}',
  })
  .optional()
  .describe(
    "How batchbot starts the agent when its batch opens; absent or `none` (the default) leaves it to a person",
  );

export type AgentDriver = NonNullable<z.output<typeof driverSchema>>;
export type DriverKind = "none" | "label" | "mention" | "copilot" | "dispatch";

export function driverKind(driver: AgentDriver | undefined): DriverKind {
  if (!driver || driver === "none") return "none";
  if ("label" in driver) return "label";
  if ("mention" in driver) return "mention";
  if ("copilot" in driver) return "copilot";
  return "dispatch";
}

/** The login Copilot's coding agent has among a repository's `suggestedActors`. */
export const COPILOT_LOGIN = "copilot-swe-agent";

/** The label that stops new drives, on a batch issue or on the dashboard issue. */
export const PAUSE_LABEL = "batch-paused";

/** The mention a `{mention}` driver writes in the batch issue body (outside the defused text), or null. */
export function driverMention(driver: AgentDriver | undefined): string | null {
  return driver && driver !== "none" && "mention" in driver ? driver.mention : null;
}

/** The line a `{mention}` driver adds to the batch issue body: live (not defused), so the runner sees it on open. */
export function mentionLine(mention: string): string {
  return `${mention} please work through this batch: the SPECs in the order given, as its batch data lists them.`;
}
