import { type BatchConfig, MAX_BATCH_SIZE } from "./config.js";
import type { PlanAgent } from "./planner.js";

/** What `/batch assign [@agent ...] [--size N] [--domain D] [--dry-run]` asks for. */
export interface AssignArgs {
  agents: string[];
  size: number | null;
  domain: string | null;
  dryRun: boolean;
}

export { MAX_BATCH_SIZE };

const LOGIN = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?)$/;

export type AssignArgsResult = { ok: true; args: AssignArgs } | { ok: false; problem: string };

export function parseAssignArgs(tokens: readonly string[], dryRun = false): AssignArgsResult {
  const args: AssignArgs = { agents: [], size: null, domain: null, dryRun };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const [flag, inline] = token.startsWith("--") ? splitFlag(token) : [null, null];
    const value = () => inline ?? tokens[++i];
    if (flag === "--dry-run" && inline === null) args.dryRun = true;
    else if (flag === "--size") {
      const text = value();
      const size = Number(text);
      if (!text || !Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE)
        return { ok: false, problem: `\`--size\` needs a whole number from 1 to ${MAX_BATCH_SIZE}.` };
      args.size = size;
    } else if (flag === "--domain") {
      const domain = value();
      if (!domain || domain.startsWith("--"))
        return { ok: false, problem: "`--domain` needs a domain name." };
      args.domain = domain;
    } else if (flag !== null) {
      return { ok: false, problem: `unknown option \`${flag}\`.` };
    } else {
      const login = LOGIN.exec(token)?.[1];
      if (!login) return { ok: false, problem: `\`${token}\` is not an agent's GitHub login.` };
      if (!args.agents.some((a) => a.toLowerCase() === login.toLowerCase())) args.agents.push(login);
    }
  }
  return { ok: true, args };
}

function splitFlag(token: string): [string, string | null] {
  const eq = token.indexOf("=");
  return eq === -1 ? [token, null] : [token.slice(0, eq), token.slice(eq + 1)];
}

/**
 * The agents to plan for: the ones named (with their configured domains; with `--domain`, that domain), else the
 * configured agents, narrowed by `--domain` to those that take that domain.
 */
export function resolveAgents(args: AssignArgs, config: BatchConfig): PlanAgent[] {
  const configured = (login: string) =>
    config.agents.find((a) => a.login.toLowerCase() === login.toLowerCase());
  if (args.agents.length)
    return args.agents.map((login) => ({
      login: configured(login)?.login ?? login,
      domains: args.domain ? [args.domain] : (configured(login)?.domains ?? []),
    }));
  const domain = args.domain?.toLowerCase();
  return config.agents
    .filter((a) => !domain || a.domains.length === 0 || a.domains.some((d) => d.toLowerCase() === domain))
    .map((a) => ({ login: a.login, domains: a.domains }));
}
