import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../library/atomicFile';
import { basename, extname } from 'node:path';
import { FlameEvaluator } from '../../../common/flame/evaluate';
import { meshToGltf, meshToObj, meshToPly } from '../../../common/flame/export';
import type { SkinningCodes } from '../../../common/flame/codes';
import { withMouthInterior } from '../../../common/flame/model';
import { readFlameCodes } from '../../flame/codes';
import { writeDemoHead } from '../../flame/demoHead';
import { loadFlameModel } from '../../flame/loadModel';
import type { Command } from '../command';
import { UsageError } from '../command';

const formats: Record<string, 'obj' | 'ply' | 'gltf'> = { '.obj': 'obj', '.ply': 'ply', '.gltf': 'gltf' };

/** `rig-studio flame`: pose a FLAME model with DECA codes and write the mesh. */
export const flameCommand: Command = {
  name: ['flame'],
  summary: 'Pose a FLAME model (or the demo head) with codes from an .npz and write the mesh as OBJ, PLY or glTF.',
  usage: '--model FILE --out MESH.(obj|ply|gltf) [--codes FILE.npz] [--index N]',
  options: {
    model: { type: 'string' },
    codes: { type: 'string' },
    out: { type: 'string' },
    index: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const modelPath = values.model as string | undefined;
    const out = values.out as string | undefined;
    if (!modelPath) throw new UsageError('give the model file with --model');
    if (!out) throw new UsageError('give the output mesh with --out');
    const format = formats[extname(out).toLowerCase()];
    if (!format) throw new UsageError(`--out must end in .obj, .ply or .gltf (got '${basename(out)}')`);
    const index = values.index === undefined ? 0 : Number(values.index);
    if (!Number.isInteger(index) || index < 0) throw new UsageError('--index must be a non-negative integer');
    // The mesh as a viewer shows it (the demo head's mouth interior included), as the 3D view exports it.
    const model = withMouthInterior(await loadFlameModel(modelPath));
    let codes: SkinningCodes = {};
    if (values.codes) {
      const codesPath = values.codes as string;
      codes = readFlameCodes(await readFile(codesPath), basename(codesPath), index);
      // DECA's 100/50 codes on a model with fewer components: keep what the model has.
      const dropped: string[] = [];
      if (codes.shape && codes.shape.length > model.shapeCount) { dropped.push(`${codes.shape.length - model.shapeCount} shape`); codes.shape = Array.from(codes.shape).slice(0, model.shapeCount); }
      if (codes.expression && codes.expression.length > model.expressionCount) { dropped.push(`${codes.expression.length - model.expressionCount} expression`); codes.expression = Array.from(codes.expression).slice(0, model.expressionCount); }
      if (dropped.length) io.err(`note: ${basename(modelPath)} has fewer components; ignored ${dropped.join(' and ')} values`);
    }
    const frame = new FlameEvaluator(model).evaluate(codes, { landmarks: false, projection: false, shading: false });
    const mesh = { vertices: frame.vertices, faces: model.faces, normals: frame.normals, uv: model.uv, name: model.name };
    const data = format === 'obj' ? meshToObj(mesh) : format === 'ply' ? meshToPly(mesh) : meshToGltf(mesh);
    await writeFileAtomic(out, data);
    io.out(`wrote ${out} (${model.vertexCount} vertices, ${model.faces.length / 3} faces, ${format.toUpperCase()})`);
    return 0;
  },
};

/** `rig-studio flame demo-head`: regenerate the demo head shipped in resources/demo-head. */
export const flameDemoHeadCommand: Command = {
  name: ['flame', 'demo-head'],
  summary: 'Generate the Rig Studio demo head (own geometry and bases in FLAME format, not FLAME) into DIR.',
  usage: '--out DIR',
  options: { out: { type: 'string' } },
  async run({ values }, io) {
    const dir = values.out as string | undefined;
    if (!dir) throw new UsageError('give the output folder with --out');
    io.out(`wrote ${await writeDemoHead(dir)}`);
    return 0;
  },
};
