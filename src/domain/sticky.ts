/**
 * batchbot's one comment per issue. It is made of named sections (dependency problems, the quality gate, ...)
 * that different handlers own; each rewrites only its own section, and the comment goes away when all are empty.
 */
export const STICKY_MARKER = "<!-- batchbot:sticky -->";

const SECTION = /<!-- batchbot:section ([a-z0-9-]+) -->\n([\s\S]*?)\n<!-- \/batchbot:section -->/g;

export type StickySections = Record<string, string>;

export function parseSticky(body: string | null | undefined): StickySections {
  const sections: StickySections = {};
  if (!body?.includes(STICKY_MARKER)) return sections;
  for (const match of body.matchAll(SECTION)) sections[match[1]!] = match[2]!;
  return sections;
}

export function renderSticky(sections: StickySections): string | null {
  const names = Object.keys(sections)
    .filter((name) => sections[name]?.trim())
    .sort();
  if (names.length === 0) return null;
  const parts = names.map(
    (name) => `<!-- batchbot:section ${name} -->\n${sections[name]!.trim()}\n<!-- /batchbot:section -->`,
  );
  return [
    STICKY_MARKER,
    ...parts,
    "<sub>batchbot keeps this comment up to date and removes it when nothing is left to say.</sub>",
  ].join("\n\n");
}

/** The sticky body after `section` becomes `content` (`null` clears it). Returns the new body or `null` for none. */
export function withSection(
  currentBody: string | null | undefined,
  section: string,
  content: string | null,
): string | null {
  const sections = parseSticky(currentBody);
  if (content?.trim()) sections[section] = content.trim();
  else delete sections[section];
  return renderSticky(sections);
}
