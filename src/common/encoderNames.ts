/**
 * Names of DiffusionRig's global-latent encoders: torchvision ResNets by depth (`resnet18`,
 * `resnet50`: upstream's `encoder_type`), and, for models small enough to ship or to train on a
 * CPU, the same family at a narrower width: `resnet10-w16` is ResNet-10 (one block per stage)
 * whose stem and first stage have 16 channels instead of torchvision's 64 (0.3 M parameters
 * against ResNet-18's 11.2 M). Upstream's own code builds only the width-64 ones.
 */

/** Blocks per stage and block kind of each depth. */
export const resnetDepths: Readonly<Record<number, { block: 'basic' | 'bottleneck'; layers: readonly number[] }>> = {
  10: { block: 'basic', layers: [1, 1, 1, 1] },
  18: { block: 'basic', layers: [2, 2, 2, 2] },
  34: { block: 'basic', layers: [3, 4, 6, 3] },
  50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
};

/** The encoders the stage-1 dialog offers, with what each is for. */
export const encoderChoices: readonly { name: string; label: string }[] = [
  { name: 'resnet18', label: 'ResNet-18 (upstream, 11.2 M parameters)' },
  { name: 'resnet50', label: 'ResNet-50 (upstream, 23.6 M parameters)' },
  { name: 'resnet10-w16', label: 'ResNet-10, ¼ width (0.3 M parameters: small models, CPU training)' },
];

/** Parses `resnet<depth>` or `resnet<depth>-w<width>`; a string saying what is wrong otherwise. */
export function parseEncoderName(name: string): { block: 'basic' | 'bottleneck'; layers: number[]; width?: number } | string {
  const m = /^resnet(\d+)(?:-w(\d+))?$/.exec(name.trim());
  const depth = m ? resnetDepths[Number(m[1])] : undefined;
  if (!m || !depth) return `unknown encoder '${name}': use resnet10, resnet18, resnet34, resnet50, resnet101 or resnet152, optionally narrowed as -w<width> (e.g. resnet10-w16)`;
  if (m[2] === undefined) return { block: depth.block, layers: [...depth.layers] };
  const width = Number(m[2]);
  if (width < 8 || width > 256 || width % 8 !== 0) return `encoder '${name}': the width must be a multiple of 8 from 8 to 256, got ${width}`;
  return { block: depth.block, layers: [...depth.layers], ...(width !== 64 ? { width } : {}) };
}

/** The name of an encoder architecture: `resnet18`, `resnet10-w16`, or `resnet(basic:1,2,1,1)` when no depth has its stages. */
export function nameOfEncoder(encoder: { block: 'basic' | 'bottleneck'; layers: readonly number[]; width?: number }): string {
  const depth = Object.entries(resnetDepths).find(([, d]) => d.block === encoder.block && d.layers.join(',') === encoder.layers.join(','))?.[0];
  const base = depth ? `resnet${depth}` : `resnet(${encoder.block}:${encoder.layers.join(',')})`;
  return encoder.width !== undefined && encoder.width !== 64 ? `${base}-w${encoder.width}` : base;
}
