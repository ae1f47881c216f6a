/**
 * U+2060 WORD JOINER: invisible, never a line break, and not a word character, so GitHub's autolinker no longer
 * sees `@name` or `#123` after it is put behind the `@` or `#`. Unlike backticks it keeps the text as typed
 * (a title can itself hold backticks, and code spans would change how it reads); unlike U+200D it has no
 * emoji-joining meaning.
 */
export const WORD_JOINER = "\u2060";

/** `@user`, `@org/team`: GitHub only links an `@` that doesn't follow a word character (so not `a@b.com`). */
const MENTION = /(^|[^\p{L}\p{N}_`])@(?=[A-Za-z0-9])/gu;
/** `#12`, `owner/repo#12`, `GH-12`: every issue reference ends in `#digits` or `GH-digits`. */
const ISSUE_REFERENCE = /(#|\bGH-)(?=\d)/gi;

/** Text copied into a batchbot message (a SPEC title, a note) with every mention and issue reference defused. */
export function escapeMentions(text: string): string {
  return text.replace(MENTION, `$1@${WORD_JOINER}`).replace(ISSUE_REFERENCE, `$1${WORD_JOINER}`);
}

/** `@login` as text that names the user without notifying them. */
export function quietMention(login: string): string {
  return `@${WORD_JOINER}${login}`;
}
