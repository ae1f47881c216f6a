import type { Context } from "probot";
import { decodeBatchMeta } from "../../domain/batch.js";
import { countsAsMessage, MAINTAINER_ASSOCIATIONS } from "../../domain/batch-messages.js";
import { parseCommands } from "../../domain/command-line.js";
import { sameLogin } from "../../domain/login.js";
import { hasLabel, isSpec } from "../../domain/spec.js";
import { takesCommandsFrom } from "../shared/command-authors.js";
import { type AppDeps, runtimeOf } from "../shared/deps.js";
import { labelNames } from "../shared/issue-payload.js";
import { countComment, lifecyclePortOf } from "./run.js";

/**
 * `issue_comment.created|deleted`: the messages exchanged for each open batch. Comments of the agent and of
 * maintainers on an open batch issue and on its SPECs are counted in the batch's report. On the batch issue the
 * count is recounted from all its comments (read with the batch), so a lost delivery is made good by the next
 * write; on a SPEC the comment is counted by id, and recounted from the SPECs' comments by `/batch sync` and the
 * reconcile sweep (`withSpecComments`), which put right a lost delivery. A lifecycle command (`commandNames`) on its batch issue is
 * counted by the command's own write.
 */
export function countMessages(deps: AppDeps, commandNames: ReadonlySet<string>) {
  return async (context: Context<"issue_comment">): Promise<void> => {
    const { comment, issue, action } = context.payload;
    const botLogin = await deps.botLogin();
    if (issue.pull_request || !comment.user || sameLogin(comment.user.login, botLogin)) return;
    const author = comment.user.login;
    const maintainer = MAINTAINER_ASSOCIATIONS.has(comment.author_association);
    // Agents are assigned to their batch issue and SPECs; anyone else must be a maintainer to count.
    if (!maintainer && !issue.assignees?.some((a) => a && sameLogin(a.login, author))) return;
    const meta = decodeBatchMeta(issue.body);
    if (!meta && !issue.assignees?.length) return;
    if (meta && action === "created" && parseCommands(comment.body).some((l) => commandNames.has(l.name)))
      return;
    const rt = await runtimeOf(deps, context);
    // Messages are people's (and listed bots'): another app's comment is no message, as it is no command.
    if (!rt || !takesCommandsFrom(comment.user, rt.config)) return;
    const labels = labelNames(issue.labels);
    if (meta ? !hasLabel(labels, rt.config.labels.batch) : !isSpec({ labels }, rt.config)) return;
    await countComment(deps, rt, lifecyclePortOf(rt), {
      batch: meta ? { number: issue.number, specs: meta.specs } : null,
      issue: issue.number,
      commentId: comment.id,
      deleted: action === "deleted",
      countsFor: (agent) =>
        countsAsMessage(
          {
            id: comment.id,
            author: { login: author, type: comment.user?.type ?? "" },
            association: comment.author_association,
          },
          { agent, botLogin, bots: rt.config.bots },
        ),
    });
  };
}
