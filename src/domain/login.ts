/** Whether two GitHub logins name the same account: case-insensitive, and `app[bot]` is the app `app`. */
export function sameLogin(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\[bot\]$/, "");
  return norm(a) === norm(b);
}
