import { describe, expect, it } from 'vitest';
import { main } from '../../../src/main/cli/main';
import { sharedPath } from '../../helpers/shared';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('rig-studio inspect-checkpoint', () => {
  it('prints the inferred architecture and parameter count as JSON', async () => {
    const file = sharedPath('fixtures', 'diffusionrig-a', 'model000000.pt');
    const { code, out } = await cli(['inspect-checkpoint', file, '--image-size', '64', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.format).toBe('torch-zip');
    expect(report.architecture).toMatchObject({
      image_size: 64, num_channels: 32, num_res_blocks: 1, channel_mult: '1,2,2', attention_resolutions: '16',
      use_scale_shift_norm: true, resblock_updown: true, use_new_attention_order: false, latent_dim: 64, in_channels: 12, encoder_type: 'resnet18',
    });
    expect(report.parameters.encoder).toBe(11_209_344);
    expect(report.parameters.total).toBe(report.parameters.unet + report.parameters.encoder);
  });

  it('fails with the file named for a checkpoint of another model', async () => {
    const { code, err } = await cli(['inspect-checkpoint', sharedPath('fixtures', 'deca-a', 'deca_model.tar')]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/deca_model\.tar: not a DiffusionRig state dict/);
  });
});
