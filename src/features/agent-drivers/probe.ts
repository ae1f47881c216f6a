import { driverKind } from "../../domain/agent-driver.js";
import type { BatchConfig } from "../../domain/config.js";
import type { RepoRef } from "../../domain/references.js";
import { COPILOT_TOKEN_ENV, copilotClient, copilotToken, findCopilot } from "../../github/copilot.js";
import type { GitHub } from "../../github/graphql.js";
import { actionsPermission, probeWorkflow } from "../../github/workflow-dispatch.js";
import type { ConfigProbe } from "../config-check/run.js";

const DOCS = "docs/drivers.md";

/**
 * For the `batchbot config` check run: whether each configured driver can start its agent. Copilot needs
 * BATCHBOT_COPILOT_TOKEN (and its coding agent enabled for that token's user); a dispatch needs its workflow on the
 * default branch and the app's Actions: write permission, which the manifest doesn't ask for by default. One read
 * per distinct workflow and one for Copilot; nothing when no agent has a driver.
 */
export function driverConfigProbe(env: NodeJS.ProcessEnv = process.env): ConfigProbe {
  return async (octokit: GitHub, repo: RepoRef, config: BatchConfig) => {
    const findings: string[] = [];
    const agents = config.agents.map((agent, i) => ({ agent, path: `agents[${i}].driver` }));
    const copilot = agents.filter((a) => driverKind(a.agent.driver) === "copilot");
    if (copilot.length) findings.push(...(await copilotFindings(octokit, repo, copilot, env)));
    const workflows = new Map<string, string>();
    for (const { agent, path } of agents)
      if (agent.driver && agent.driver !== "none" && "dispatch" in agent.driver)
        workflows.set(agent.driver.dispatch.workflow, path);
    for (const [workflow, path] of workflows) {
      const found = await probeWorkflow(octokit, repo, workflow);
      if (found === "missing")
        findings.push(
          `\`${path}\`: no workflow \`${workflow}\` in .github/workflows on the default branch, so the dispatch would fail.`,
        );
      if (found === "forbidden")
        findings.push(
          `\`${path}\`: batchbot can't use GitHub Actions here: grant the app Actions: write (${DOCS}#dispatch-driver).`,
        );
    }
    if (workflows.size) {
      const permission = await actionsPermission(octokit);
      if (permission !== null && permission !== "write")
        findings.push(
          `A dispatch driver needs the app's Actions: write permission; it has ${permission} (${DOCS}#dispatch-driver).`,
        );
    }
    return findings;
  };
}

async function copilotFindings(
  octokit: GitHub,
  repo: RepoRef,
  copilot: ReadonlyArray<{ agent: { login: string }; path: string }>,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const where = copilot.map((c) => `\`${c.path}\` (${c.agent.login})`).join(", ");
  const token = copilotToken(env);
  if (!token)
    return [
      `${where}: Copilot needs a user token in ${COPILOT_TOKEN_ENV} (installation tokens are refused); until it is set these batches open undriven (${DOCS}#copilot-driver).`,
    ];
  if (!(await findCopilot(copilotClient(octokit, token), repo)))
    return [
      `${where}: Copilot's coding agent is not among this repository's assignable actors for the user of ${COPILOT_TOKEN_ENV} (not enabled, or no Copilot seat) (${DOCS}#copilot-driver).`,
    ];
  return [];
}
