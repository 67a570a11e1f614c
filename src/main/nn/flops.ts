/**
 * Multiply-accumulate count of a graph's heavy ops (Conv, ConvTranspose, MatMul, Gemm), from
 * the IR's static shapes. Benchmarks turn it into achieved GFLOP/s (1 MAC = 2 FLOPs).
 */
import type { Graph } from './ir';
import { shapeSize } from './ir';

/** MACs of one run of `graph`. Elementwise ops are not counted. */
export function countMacs(graph: Graph): number {
  let macs = 0;
  for (const node of graph.nodes) {
    const out = node.outputs[0];
    const [a, b] = node.inputs;
    if (!a || !b) continue;
    switch (node.opType) {
      case 'Conv': {
        // every output element sums Cin/group · kernel products
        macs += shapeSize(out.shape) * shapeSize(b.shape.slice(1));
        break;
      }
      case 'ConvTranspose':
        macs += shapeSize(a.shape) * shapeSize(b.shape.slice(1));
        break;
      case 'MatMul':
        macs += shapeSize(out.shape) * a.shape[a.rank - 1];
        break;
      case 'Gemm':
        macs += shapeSize(out.shape) * (node.attributes.transA ? a.shape[0] : a.shape[1]);
        break;
      default:
        break;
    }
  }
  return macs;
}
