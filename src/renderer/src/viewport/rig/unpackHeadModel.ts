import type { PackedHeadModel } from '../../../../common/contract/viewport';
import type { FlameModel } from '../../../../common/flame/model';
import { unpack } from './packed';

/** The backend's packed head model as the FlameModel src/common/flame skins (same bytes). */
export function unpackHeadModel(packed: PackedHeadModel): FlameModel {
  const { info } = packed;
  const lm = packed.landmarks;
  return {
    name: info.label,
    vertexCount: info.vertexCount,
    faces: unpack(packed.faces, 'uint32', 'faces'),
    template: unpack(packed.template, 'float64', 'template'),
    shapeBasis: unpack(packed.shapeBasis, 'float32', 'shape basis'),
    shapeCount: info.shapeCount,
    expressionBasis: unpack(packed.expressionBasis, 'float32', 'expression basis'),
    expressionCount: info.expressionCount,
    poseBasis: unpack(packed.poseBasis, 'float32', 'pose basis'),
    jointRegressor: unpack(packed.jointRegressor, 'float64', 'joint regressor'),
    weights: unpack(packed.weights, 'float32', 'weights'),
    parents: Int32Array.from(packed.parents),
    uv: packed.uv ? { coords: unpack(packed.uv.coords, 'float32', 'uv coords'), faces: unpack(packed.uv.faces, 'uint32', 'uv faces') } : undefined,
    landmarks: lm
      ? {
          staticFaces: unpack(lm.staticFaces, 'int32', 'static landmark faces'),
          staticBary: unpack(lm.staticBary, 'float64', 'static landmark weights'),
          dynamicFaces: unpack(lm.dynamicFaces, 'int32', 'dynamic landmark faces'),
          dynamicBary: unpack(lm.dynamicBary, 'float64', 'dynamic landmark weights'),
          binCount: lm.dynamicFaces.shape[0],
          fullFaces: unpack(lm.fullFaces, 'int32', 'full landmark faces'),
          fullBary: unpack(lm.fullBary, 'float64', 'full landmark weights'),
        }
      : undefined,
    mouth: packed.mouth
      ? { faces: unpack(packed.mouth.faces, 'uint32', 'mouth faces'), uvFaces: packed.mouth.uvFaces ? unpack(packed.mouth.uvFaces, 'uint32', 'mouth uv faces') : undefined }
      : undefined,
  };
}
