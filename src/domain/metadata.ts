/**
 * Hidden machine-readable blocks in issue and comment bodies: `<!-- batchbot:KIND {json} -->`.
 * `--` never appears inside the JSON, so the block can't end early whatever the data holds.
 */
export function encodeMetadata(kind: string, data: unknown): string {
  const json = JSON.stringify(data)
    .replace(/-(?=-)/g, "\\u002d")
    .replace(/>/g, "\\u003e");
  return `<!-- batchbot:${kind} ${json} -->`;
}

export function decodeMetadata<T = unknown>(body: string | null | undefined, kind: string): T | null {
  if (!body) return null;
  const start = body.indexOf(`<!-- batchbot:${kind} `);
  if (start === -1) return null;
  const end = body.indexOf(" -->", start);
  if (end === -1) return null;
  try {
    return JSON.parse(body.slice(start + `<!-- batchbot:${kind} `.length, end)) as T;
  } catch {
    return null;
  }
}

export function hasMarker(body: string | null | undefined, kind: string): boolean {
  return !!body && body.includes(`<!-- batchbot:${kind}`);
}
