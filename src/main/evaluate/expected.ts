/**
 * The right answer of an edit in the demo world: a demo photo is a render of the demo head with
 * known codes over a known background, so the image an edit should produce — the source's
 * identity, camera and background with the target's expression, pose or light, as DiffusionRig's
 * editing takes those fields (src/main/edit/codes.ts) — is the render of the edited codes over
 * the source's background, at the same size. Used by bench/quality to score edits against ground
 * truth, next to the unedited source as a baseline.
 */

import type { EditMode } from '../../common/contract/edit';
import type { FlameCodes } from '../../common/flame/codes';
import type { DemoScene } from '../app/demo/scenes';
import { editCodes } from '../edit/codes';

function sceneCodes(scene: DemoScene): FlameCodes {
  return { shape: scene.shape, expression: scene.expression, pose: scene.pose, camera: [...scene.cam], light: scene.light };
}

/**
 * The scene whose render is the expected result of editing `source` towards `target` with
 * `modes` (the source's own shape: the demo head is one person per dataset scene; pass the album
 * mean shape as `meanShape` to judge an edit made with it).
 */
export function expectedEditScene(source: DemoScene, target: DemoScene, modes: readonly EditMode[], meanShape: readonly number[] | null = null): DemoScene {
  const codes = editCodes(sceneCodes(source), sceneCodes(target), modes, meanShape);
  return {
    ...source,
    fileName: source.fileName.replace(/\.png$/, `-expected-${modes.join('+') || 'none'}-from-${target.index}.png`),
    title: `expected edit of ${source.fileName} with ${modes.join('+') || 'no mode'} from ${target.fileName}`,
    shape: codes.shape,
    expression: codes.expression,
    pose: codes.pose,
    cam: [codes.camera[0], codes.camera[1], codes.camera[2]],
    light: codes.light,
  };
}
