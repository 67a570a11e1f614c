import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetScene } from '../../../src/main/app/demo/dataset';
import { headTexture, renderDemoScene } from '../../../src/main/app/demo/render';
import { expectedEditScene } from '../../../src/main/evaluate/expected';
import { landmarkError, maskedPsnr, type Rgb8 } from '../../../src/main/evaluate/metrics';
import { FlameRenderService } from '../../../src/main/flame/renderTask';
import { InlinePool } from '../../../src/main/jobs/pool';
import { workerTasks } from '../../../src/main/app/workerTasks';
import { defaultDemoHeadDir, loadHeadModel, locateHeadModel } from '../../../src/main/head/activeModel';

async function rgb(png: Buffer): Promise<Rgb8> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

describe('expected edits in the demo world', () => {
  const source = datasetScene(3, 0);
  const target = datasetScene(3, 1);

  it('takes the target\'s fields per mode and keeps the source\'s identity, camera, background and the rest', () => {
    const exp = expectedEditScene(source, target, ['exp']);
    expect(exp.expression).toEqual(target.expression);
    expect(exp.pose).toEqual([...source.pose.slice(0, 3), ...target.pose.slice(3)]);
    expect([exp.shape, exp.cam, exp.light, exp.background]).toEqual([source.shape, source.cam, source.light, source.background]);
    const pose = expectedEditScene(source, target, ['pose']);
    expect(pose.pose).toEqual([...target.pose.slice(0, 3), ...source.pose.slice(3)]);
    expect(pose.expression).toEqual(source.expression);
    const light = expectedEditScene(source, target, ['light']);
    expect(light.light).toEqual(target.light);
    const both = expectedEditScene(source, target, ['exp', 'pose']);
    expect(both.pose).toEqual(target.pose);
  });

  it('renders to the source photo itself when the target is the source, and to a different face when it is not', async () => {
    const pool = new InlinePool(workerTasks);
    const head = await loadHeadModel(locateHeadModel({ flameFiles: () => null, demoHeadDir: defaultDemoHeadDir() }));
    const service = new FlameRenderService(pool);
    const texture = headTexture(head);
    const photo = await renderDemoScene(service, head, texture, source, 64);
    const same = await renderDemoScene(service, head, texture, expectedEditScene(source, source, ['exp', 'pose', 'light']), 64);
    // the same pixels (the PNGs' EXIF descriptions name different scenes)
    expect((await rgb(same.png)).data).toEqual((await rgb(photo.png)).data);
    const edited = await renderDemoScene(service, head, texture, expectedEditScene(source, target, ['exp', 'pose']), 64);
    const everywhere = new Float32Array(64 * 64).fill(1);
    expect(maskedPsnr(await rgb(edited.png), await rgb(photo.png), everywhere)).toBeLessThan(40);
    expect(landmarkError(edited.landmarks, photo.landmarks)).toBeGreaterThan(0.5);
  });
});
