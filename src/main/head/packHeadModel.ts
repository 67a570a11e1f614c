import type { HeadModelInfo, PackedArray, PackedHeadModel } from '../../common/contract/viewport';
import type { FlameModel } from '../../common/flame/model';

// The browser skins the head itself (slider edits at display rate), so it needs the model's
// arrays. JSON carries them as base64 of the exact typed-array bytes: no precision is lost and
// the browser's FlameModel is bit-identical to the backend's.

type Packable = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array;

const dtypes = new Map<unknown, PackedArray['dtype']>([
  [Float64Array, 'float64'],
  [Float32Array, 'float32'],
  [Int32Array, 'int32'],
  [Uint32Array, 'uint32'],
  [Uint8Array, 'uint8'],
]);

/** Packs a typed array with its logical shape (checked against its length). */
export function packArray(array: Packable, shape: number[], what: string): PackedArray {
  const dtype = dtypes.get(array.constructor);
  if (!dtype) throw new Error(`${what}: cannot pack a ${array.constructor.name}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length) throw new Error(`${what}: ${array.length} values do not fill shape (${shape.join(', ')})`);
  return { dtype, shape, base64: Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64') };
}

/** Keeps the first `keep` of `count` columns of a row-major (rows × count) basis. */
function firstColumns(basis: Float32Array, count: number, keep: number): Float32Array {
  if (keep === count) return basis;
  const rows = basis.length / count;
  const out = new Float32Array(rows * keep);
  for (let r = 0; r < rows; r++) out.set(basis.subarray(r * count, r * count + keep), r * keep);
  return out;
}

export interface PackOptions {
  source: HeadModelInfo['source'];
  label: string;
  path: string | null;
  /** Components sent to the browser (DECA uses 100 shape, 50 expression). */
  shapeCount?: number;
  expressionCount?: number;
  /** Albedo texture for the viewport's shaded and albedo modes: (H,W,3) RGB bytes. */
  albedo?: { rgb: Uint8Array; height: number; width: number } | null;
}

/** The model in the contract's wire form, cut to DECA's component counts. */
export function packHeadModel(model: FlameModel, options: PackOptions): PackedHeadModel {
  const v = model.vertexCount;
  const shapeCount = Math.min(options.shapeCount ?? 100, model.shapeCount);
  const expressionCount = Math.min(options.expressionCount ?? 50, model.expressionCount);
  const joints = model.parents.length;
  const lm = model.landmarks;
  return {
    info: {
      source: options.source,
      label: options.label,
      path: options.path,
      vertexCount: v,
      faceCount: model.faces.length / 3,
      shapeCount,
      expressionCount,
    },
    template: packArray(model.template, [v, 3], 'template'),
    faces: packArray(model.faces, [model.faces.length / 3, 3], 'faces'),
    shapeBasis: packArray(firstColumns(model.shapeBasis, model.shapeCount, shapeCount), [v, 3, shapeCount], 'shape basis'),
    expressionBasis: packArray(firstColumns(model.expressionBasis, model.expressionCount, expressionCount), [v, 3, expressionCount], 'expression basis'),
    poseBasis: packArray(model.poseBasis, [v, 3, 36], 'pose basis'),
    jointRegressor: packArray(model.jointRegressor, [joints, v], 'joint regressor'),
    weights: packArray(model.weights, [v, joints], 'weights'),
    parents: Array.from(model.parents),
    uv: model.uv ? { coords: packArray(model.uv.coords, [model.uv.coords.length / 2, 2], 'uv coords'), faces: packArray(model.uv.faces, [model.uv.faces.length / 3, 3], 'uv faces') } : null,
    landmarks: lm
      ? {
          staticFaces: packArray(lm.staticFaces, [lm.staticFaces.length], 'static landmark faces'),
          staticBary: packArray(lm.staticBary, [lm.staticFaces.length, 3], 'static landmark weights'),
          dynamicFaces: packArray(lm.dynamicFaces, [lm.binCount, 17], 'dynamic landmark faces'),
          dynamicBary: packArray(lm.dynamicBary, [lm.binCount, 17, 3], 'dynamic landmark weights'),
          fullFaces: packArray(lm.fullFaces, [lm.fullFaces.length], 'full landmark faces'),
          fullBary: packArray(lm.fullBary, [lm.fullFaces.length, 3], 'full landmark weights'),
        }
      : null,
    albedo: options.albedo ? packArray(options.albedo.rgb, [options.albedo.height, options.albedo.width, 3], 'albedo') : null,
    mouth: model.mouth
      ? {
          faces: packArray(model.mouth.faces, [model.mouth.faces.length / 3, 3], 'mouth faces'),
          uvFaces: model.mouth.uvFaces ? packArray(model.mouth.uvFaces, [model.mouth.uvFaces.length / 3, 3], 'mouth uv faces') : null,
        }
      : null,
  };
}
