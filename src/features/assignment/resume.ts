import type { Fence } from "../../infra/lock.js";
import type { Runtime } from "../shared/runtime.js";
import { type AssignmentRequest, type AssignmentResult, runAssignment } from "./assign.js";
import { findUnfinished } from "./assignment-record.js";
import { type AssignmentPort, assignmentPortOf } from "./port.js";

/**
 * `/batch assign` given again: when an earlier `/batch assign` on this issue asked for the same and its reply says
 * it is unfinished (a batch GitHub didn't open, a write it refused), this command finishes that one — its batches
 * `<earlier comment id>:<agent>`, the agents it still owed — instead of planning new batches beside it. The earlier
 * reply is revised to what now holds; this command's reply says which command it finished. Otherwise it plans as
 * a new command. Run under the planning lock.
 */
export async function assignOrFinishEarlier(
  rt: Runtime,
  request: AssignmentRequest,
  fence: Fence | null,
  port: AssignmentPort = assignmentPortOf(rt),
): Promise<AssignmentResult> {
  const count = { reads: 0, writes: 0 };
  const earlier = await findUnfinished(
    port,
    request.issueNumber,
    request.sourceCommentId,
    request.agents,
    request.options,
    count,
  );
  if (!earlier) return withCount(await runAssignment(rt, request, fence, port), count);
  const result = await runAssignment(rt, { ...request, sourceCommentId: earlier.commentId }, fence, port);
  const revised = await port.reviseReply(request.issueNumber, earlier.commentId, result.reply);
  count.reads++;
  if (revised.id !== null) count.writes++;
  const link = `https://github.com/${rt.repo.owner}/${rt.repo.repo}/issues/${request.issueNumber}#issuecomment-${earlier.commentId}`;
  const finished = result.unfinished ? "carried on with" : "finished";
  result.reply = [
    `The [same command given earlier](${link}) was unfinished, so this one ${finished} it instead of planning new batches:`,
    withoutRecord(result.reply),
  ].join("\n\n");
  return withCount(result, count);
}

function withCount(result: AssignmentResult, count: { reads: number; writes: number }): AssignmentResult {
  result.reads += count.reads;
  result.writes += count.writes;
  return result;
}

/** The reply without its hidden record: only the earlier command's reply records that command. */
function withoutRecord(reply: string): string {
  return reply.replace(/^<!-- batchbot:assignment .*? -->\n\n/, "");
}
