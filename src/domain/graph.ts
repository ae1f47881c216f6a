/**
 * The dependency graph between issues, keyed by `refKey`. Edges point from an issue to what it depends on.
 * `components` maps every issue on a cycle to the members of its cycle component.
 */
export interface DependencyGraph {
  dependencies: ReadonlyMap<string, readonly string[]>;
  dependents: ReadonlyMap<string, readonly string[]>;
  components: ReadonlyMap<string, readonly string[]>;
  /** One shortest cycle through `key` (its full path, ending where it starts), or null when it is on none. */
  cycleThrough(key: string): readonly string[] | null;
}

/** Builds the graph over `edges` (issue → its dependencies). Only edges whose both ends are in `active` can form cycles. */
export function buildGraph(
  edges: ReadonlyMap<string, readonly string[]>,
  active: ReadonlySet<string>,
): DependencyGraph {
  const dependents = new Map<string, string[]>();
  for (const [from, tos] of edges) {
    for (const to of tos) {
      const list = dependents.get(to);
      if (list) list.push(from);
      else dependents.set(to, [from]);
    }
  }
  const activeAdjacency = new Map<string, string[]>();
  for (const key of active)
    activeAdjacency.set(
      key,
      (edges.get(key) ?? []).filter((t) => active.has(t)),
    );
  const none: string[] = [];
  const activeEdges = (key: string): readonly string[] => activeAdjacency.get(key) ?? none;
  const components = stronglyConnected([...active], activeEdges);
  const componentOf = new Map<string, string[]>();
  for (const component of components) {
    const selfLoop = component.length === 1 && activeEdges(component[0]!).includes(component[0]!);
    if (component.length < 2 && !selfLoop) continue;
    for (const key of component) componentOf.set(key, component);
  }
  // Cycle paths are found on demand: only SPECs whose explanation gets written need one.
  const memo = new Map<string, string[]>();
  const cycleThrough = (key: string): string[] | null => {
    const component = componentOf.get(key);
    if (!component) return null;
    let path = memo.get(key);
    if (!path) {
      const members = new Set(component);
      path = shortestCycle(key, (k) => activeEdges(k).filter((t) => members.has(t)));
      memo.set(key, path);
    }
    return path;
  };
  return { dependencies: edges, dependents, components: componentOf, cycleThrough };
}

/** Tarjan's algorithm without recursion, so 10,000-node chains don't exhaust the stack. */
function stronglyConnected(nodes: readonly string[], next: (key: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ key: string; children: readonly string[]; i: number }> = [];
    const visit = (key: string) => {
      index.set(key, counter);
      low.set(key, counter);
      counter++;
      stack.push(key);
      onStack.add(key);
      work.push({ key, children: next(key), i: 0 });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.children.length) {
        const child = frame.children[frame.i++]!;
        if (!index.has(child)) visit(child);
        else if (onStack.has(child)) low.set(frame.key, Math.min(low.get(frame.key)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!));
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.key);
        result.push(component.reverse());
      }
    }
  }
  return result;
}

function shortestCycle(start: string, next: (key: string) => readonly string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const key = queue[head]!;
    for (const to of next(key)) {
      if (to === start) {
        const path = [key];
        for (let k = key; k !== start; ) {
          k = previous.get(k)!;
          path.push(k);
        }
        return [...path.reverse(), start];
      }
      if (!previous.has(to)) {
        previous.set(to, key);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
