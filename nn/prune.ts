import type { Graph } from './graph.ts';

/** Drops nodes and initializers that no graph output depends on (inputs are kept: they are the API). */
export function pruneGraph(graph: Graph): Graph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const nodes = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (!node.outputs.some((o) => needed.has(o))) continue;
    nodes.push(node);
    for (const input of node.inputs) if (input !== '') needed.add(input);
  }
  nodes.reverse();
  const initializers = new Map([...graph.initializers].filter(([name]) => needed.has(name)));
  return { ...graph, nodes, initializers };
}
