import nock from "nock";
import { afterEach, beforeAll } from "vitest";

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  // The fake GitHub's interceptors are persistent catch-alls; any other mock a test set must have been used.
  const pending = nock.pendingMocks().filter((m) => !m.includes("/.*/"));
  nock.cleanAll();
  if (pending.length) throw new Error(`pending nock mocks: ${pending.join(", ")}`);
});
