import { describe, expect, it } from "vitest";
import { Coalescer } from "../../src/infra/coalesce.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("Coalescer", () => {
  it("runs a burst as the first call plus one more run with the latest job", async () => {
    const coalescer = new Coalescer();
    const ran: string[] = [];
    const gate = deferred();
    const first = coalescer.run("acme/specs", async () => {
      ran.push("a");
      await gate.promise;
    });
    await Promise.resolve();
    const rest = ["b", "c", "d"].map((name) => coalescer.run("acme/specs", async () => void ran.push(name)));
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(ran).toEqual(["a", "d"]);
  });

  it("keeps keys apart", async () => {
    const coalescer = new Coalescer();
    const ran: string[] = [];
    await Promise.all([
      coalescer.run("a", async () => void ran.push("a")),
      coalescer.run("b", async () => void ran.push("b")),
    ]);
    expect(ran.sort()).toEqual(["a", "b"]);
  });

  it("reports a failure only when the last run failed, and recovers afterwards", async () => {
    const coalescer = new Coalescer();
    await expect(coalescer.run("k", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const gate = deferred();
    const failing = coalescer.run("k", async () => {
      await gate.promise;
      throw new Error("first");
    });
    await Promise.resolve();
    const healed = coalescer.run("k", async () => undefined);
    gate.resolve();
    await expect(failing).resolves.toBeUndefined();
    await expect(healed).resolves.toBeUndefined();
  });
});
