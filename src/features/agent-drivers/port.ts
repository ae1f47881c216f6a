import { agentDriversGitHub } from "../../github/agent-drivers-port.js";
import type { Runtime } from "../shared/runtime.js";

/** The calls the agent drivers make when batches open (`src/github/agent-drivers-port.ts`); unit tests fake it. */
export type AgentDriversPort = ReturnType<typeof agentDriversGitHub>;

/** The port on the runtime's GitHub client. */
export function driversPortOf(rt: Runtime): AgentDriversPort {
  return agentDriversGitHub(rt.octokit, rt.repo, rt.botLogin);
}
