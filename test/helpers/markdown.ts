/**
 * The text of a markdown paragraph with its code spans removed, by CommonMark's rule: a run of n backticks
 * opens a span that the next run of exactly n backticks closes; a run without a partner is literal text.
 * What is left is what GitHub renders as markdown (mentions, links, HTML).
 */
export function outsideCodeSpans(markdown: string): string {
  let out = "";
  let i = 0;
  while (i < markdown.length) {
    if (markdown[i] !== "`") {
      out += markdown[i++];
      continue;
    }
    let n = 0;
    while (markdown[i + n] === "`") n++;
    let close = -1;
    for (let j = i + n; j < markdown.length; ) {
      if (markdown[j] !== "`") {
        j++;
        continue;
      }
      let m = 0;
      while (markdown[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close === -1) {
      out += "`".repeat(n);
      i += n;
    } else i = close + n;
  }
  return out;
}
