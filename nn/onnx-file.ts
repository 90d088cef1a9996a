import { writeFileAtomic } from '../common/atomic-write.ts';
import { readFileBytes } from './files.ts';
import type { Graph } from './graph.ts';
import { decodeOnnx } from './onnx-decode.ts';
import { encodeOnnx } from './onnx-encode.ts';
import { inferShapes } from './shape-inference.ts';

/** Loads an ONNX file into the IR and checks that every op is supported and every shape infers. */
export async function loadOnnxFile(path: string): Promise<Graph> {
  const { graph } = decodeOnnx(await readFileBytes(path), path);
  inferShapes(graph);
  return graph;
}

/** Saves a graph as an ONNX (opset 17) file, atomically. */
export async function saveOnnxFile(path: string, graph: Graph): Promise<void> {
  writeFileAtomic(path, encodeOnnx(graph));
}
