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
  const none: readonly string[] = [];
  // Tarjan numbers the active nodes and drops edges to others itself; filtered lists are only built for cycles.
  const components = stronglyConnected([...active], (key) => edges.get(key) ?? none);
  const activeEdges = (key: string): readonly string[] =>
    active.has(key) ? (edges.get(key) ?? none).filter((t) => active.has(t)) : none;
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

/**
 * The cyclic strongly connected components (two or more nodes, or one with a self-loop), by
 * Tarjan's algorithm without recursion, so 10,000-node chains don't exhaust the stack. Nodes are numbered once and
 * the bookkeeping lives in typed arrays: on 10,000 SPECs this is several times faster than maps keyed by strings.
 */
function stronglyConnected(nodes: readonly string[], next: (key: string) => readonly string[]): string[][] {
  const id = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) id.set(nodes[i]!, i);
  const adjacency = nodes.map((key) => {
    const out: number[] = [];
    for (const to of next(key)) {
      const j = id.get(to);
      if (j !== undefined) out.push(j);
    }
    return out;
  });
  const n = nodes.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: string[][] = [];
  const work: number[] = [];
  const cursor = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const visit = (v: number) => {
      index[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = 1;
      cursor[v] = 0;
      work.push(v);
    };
    visit(root);
    while (work.length) {
      const v = work[work.length - 1]!;
      const children = adjacency[v]!;
      if (cursor[v]! < children.length) {
        const w = children[cursor[v]!++]!;
        if (index[w] === -1) visit(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[v]!);
      if (low[v] === index[v]) {
        // A lone node is a component only with a self-loop; skipping the others saves an array per node.
        if (stack[stack.length - 1] === v && !children.includes(v)) {
          stack.pop();
          onStack[v] = 0;
          continue;
        }
        const component: string[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(nodes[member]!);
        } while (member !== v);
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
