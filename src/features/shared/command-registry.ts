import { type CommandHelp, renderHelp, renderUsage } from "../../domain/command-help.js";
import type { CommandLine } from "../../domain/command-line.js";
import { inlineCode } from "../../domain/markdown.js";
import type { Reaction } from "../../github/reactions.js";
import type { Runtime } from "./runtime.js";

/** Where a command was given. */
export interface CommandContext extends Runtime {
  issueNumber: number;
  issueNodeId: string;
  isPullRequest: boolean;
  issueBody: string;
  issueLabels: string[];
  commentId: number;
  sender: string;
}

export interface CommandOutcome {
  /** Text for the one reply to the command comment; omitted when the effect shows elsewhere. */
  reply?: string;
  reaction?: Reaction;
  /** The reply supersedes an earlier reply to the same comment (a redelivery finished interrupted work). */
  revise?: boolean;
}

export interface CommandDefinition {
  help: CommandHelp;
  /** Other names that run this command (`plan` for `assign --dry-run`). */
  aliases?: string[];
  run(ctx: CommandContext, line: CommandLine): Promise<CommandOutcome>;
}

export class UsageError extends Error {}

export function findCommand(
  commands: readonly CommandDefinition[],
  name: string,
): CommandDefinition | undefined {
  return commands.find((c) => c.help.name === name || c.aliases?.includes(name));
}

export function helpCommand(all: () => readonly CommandDefinition[]): CommandDefinition {
  return {
    help: {
      name: "help",
      usage: "/batch help",
      description: "Lists every `/batch` command.",
      whoCanUse: "anyone",
      examples: ["/batch help"],
    },
    async run() {
      return { reply: `### batchbot commands\n\n${renderHelp(all().map((c) => c.help))}` };
    },
  };
}

export function unknownCommandReply(name: string, commands: readonly CommandDefinition[]): string {
  return [
    `${inlineCode(`/batch ${name}`)} is not a batchbot command.`,
    "",
    renderHelp(commands.map((c) => c.help)),
  ].join("\n");
}

export function usageReply(command: CommandDefinition, problem: string): string {
  return renderUsage(command.help, problem);
}
