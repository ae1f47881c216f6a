import type { Context } from "probot";
import { parseCommands } from "../../domain/command-line.js";
import { formatConfigProblems } from "../../domain/config.js";
import { react } from "../../github/reactions.js";
import { replyOnce } from "../../github/replies.js";
import { takesCommandsFrom } from "./command-authors.js";
import {
  type CommandContext,
  type CommandDefinition,
  findCommand,
  UsageError,
  unknownCommandReply,
  usageReply,
} from "./command-registry.js";
import { type AppDeps, configOf, eventLog, fromSelf, repoOf } from "./deps.js";

/** More `/batch` lines in one comment are ignored (with a note): a comment can't queue unbounded work. */
export const MAX_COMMANDS_PER_COMMENT = 10;

/**
 * `issue_comment.created`: the `/batch` commands in issue and pull-request comments. Every command comment gets at
 * most one reply, and a redelivered comment gets none (the reply carries the command's comment id).
 */
export function runCommands(deps: AppDeps, commands: readonly CommandDefinition[]) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    if (await fromSelf(deps, context)) return;
    const { comment, issue } = context.payload;
    const given = parseCommands(comment.body);
    if (given.length === 0) return;
    const lines = given.slice(0, MAX_COMMANDS_PER_COMMENT);
    const repo = repoOf(context);
    const botLogin = await deps.botLogin();
    const answer = (body: string, revise = false) =>
      replyOnce(context.octokit, repo, issue.number, comment.id, botLogin, body, { revise });
    const author = comment.user ?? null;
    const sender = author?.login;
    const loaded = await configOf(context);
    if (!sender || !takesCommandsFrom(author, loaded.ok ? loaded.config : null) || !context.payload.sender) {
      // Refused: a 👎 on the comment and nothing else, as for anyone without permission.
      eventLog(context).info(
        { author: author?.login ?? null, type: author?.type ?? null },
        "command refused",
      );
      await react(context.octokit, repo, comment.id, "-1");
      return;
    }
    if (!loaded.ok) {
      await answer(formatConfigProblems(loaded.problems));
      return;
    }
    const ctx: CommandContext = {
      octokit: context.octokit,
      repo,
      config: loaded.config,
      botLogin,
      hosts: deps.hosts,
      log: eventLog(context, { command: lines.map((l) => l.name).join(",") }),
      issueNumber: issue.number,
      issueNodeId: issue.node_id,
      isPullRequest: !!issue.pull_request,
      issueBody: issue.body ?? "",
      issueLabels: (issue.labels ?? []).map((l) => (typeof l === "string" ? l : l.name)),
      commentId: comment.id,
      sender,
    };
    const replies: string[] = [];
    if (given.length > lines.length)
      replies.push(
        `Only the first ${MAX_COMMANDS_PER_COMMENT} \`/batch\` commands of a comment are run; the other ${given.length - lines.length} were ignored.`,
      );
    const reactions = new Set<"eyes" | "-1" | "+1" | "confused">();
    let revise = false;
    for (const line of lines) {
      const command = findCommand(commands, line.name);
      if (!command) {
        replies.push(unknownCommandReply(line.name, commands));
        continue;
      }
      try {
        const outcome = await command.run(ctx, line);
        if (outcome.reply) replies.push(outcome.reply);
        if (outcome.reaction) reactions.add(outcome.reaction);
        if (outcome.revise) revise = true;
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        replies.push(usageReply(command, error.message));
      }
    }
    for (const reaction of reactions) await react(context.octokit, repo, comment.id, reaction);
    if (replies.length) await answer(replies.join("\n\n---\n\n"), revise);
    ctx.log.info({ replies: replies.length, reactions: [...reactions] }, "commands handled");
  };
}
