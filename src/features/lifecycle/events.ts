import type { Context } from "probot";
import { decodeBatchMeta } from "../../domain/batch.js";
import { countMessage, uncountMessage } from "../../domain/batch-changes.js";
import { parseCommands } from "../../domain/command-line.js";
import { sameLogin } from "../../domain/login.js";
import { hasLabel, isSpec } from "../../domain/spec.js";
import { type BatchTarget, refreshAndFollow } from "../batch-tasks/run.js";
import { takesCommandsFrom } from "../shared/command-authors.js";
import { type AppDeps, runtimeOf } from "../shared/deps.js";
import { labelNames } from "../shared/issue-payload.js";

/** Comment authors GitHub says belong to the repository (owner, organisation member, collaborator). */
const MAINTAINERS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

/**
 * `issue_comment.created|deleted`: the messages exchanged for each open batch. Comments of the agent and of
 * maintainers on an open batch issue and on its SPECs are counted in the batch's report. A lifecycle command
 * (`commandNames`) counts its own comment, in the same write as its effect.
 */
export function countMessages(deps: AppDeps, commandNames: ReadonlySet<string>) {
  return async (context: Context<"issue_comment">): Promise<void> => {
    const { comment, issue, action } = context.payload;
    if (issue.pull_request || !comment.user || sameLogin(comment.user.login, await deps.botLogin())) return;
    const author = comment.user.login;
    const maintainer = MAINTAINERS.has(comment.author_association);
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
    let target: BatchTarget;
    if (meta) {
      if (!hasLabel(labels, rt.config.labels.batch)) return;
      target = { kind: "batch", number: issue.number, specs: meta.specs };
    } else {
      if (!isSpec({ labels }, rt.config)) return;
      target = { kind: "specs", numbers: [issue.number] };
    }
    await refreshAndFollow(deps, rt, target, {
      change: (m) => {
        if (action === "deleted") return uncountMessage(m, comment.id);
        return maintainer || sameLogin(author, m.agent) ? countMessage(m, comment.id) : m;
      },
    });
  };
}
