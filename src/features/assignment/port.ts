import { assignmentGitHub } from "../../github/assignment-port.js";
import type { Runtime } from "../shared/runtime.js";

/**
 * The calls the assignment workhorses (`/batch assign`, `/batch next`, `auto-next`) make, drivers' calls included
 * (`src/github/assignment-port.ts`); unit tests fake it in memory.
 */
export type AssignmentPort = ReturnType<typeof assignmentGitHub>;

/** The port on the runtime's GitHub client. */
export function assignmentPortOf(rt: Runtime): AssignmentPort {
  return assignmentGitHub(rt.octokit, rt.repo, rt.botLogin);
}
