import type { BatchConfig } from "../../domain/config.js";
import type { RegistrySnapshot } from "../../github/registry-reader.js";
import type { Runtime } from "../shared/runtime.js";
import type { DependenciesPort } from "./run.js";

/** The labels readiness writes: `blocked` and `ready`. */
export function readinessLabelNames(config: BatchConfig): string[] {
  return [config.labels.blocked, config.labels.ready];
}

/** The registry as the dependencies read it: every SPEC, the readiness labels' ids, open dashboards and PRs. */
export function readSpecRegistry(
  rt: Runtime,
  port: Pick<DependenciesPort, "readRegistry">,
): Promise<RegistrySnapshot> {
  return port.readRegistry(rt.config.labels.spec, readinessLabelNames(rt.config), rt.config.labels.dashboard);
}

/** The port, answering the registry read with `snapshot` (read already in this sync) at no request. */
export function withRegistry(port: DependenciesPort, snapshot: RegistrySnapshot): DependenciesPort {
  return { ...port, readRegistry: async () => ({ ...snapshot, requests: 0 }) };
}
