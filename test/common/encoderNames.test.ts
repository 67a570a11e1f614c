import { describe, expect, it } from 'vitest';
import { nameOfEncoder, parseEncoderName } from '../../src/common/encoderNames';

describe('encoder names', () => {
  it('parses upstream names and narrowed ones, and names them back', () => {
    expect(parseEncoderName('resnet18')).toEqual({ block: 'basic', layers: [2, 2, 2, 2] });
    expect(parseEncoderName('resnet50')).toEqual({ block: 'bottleneck', layers: [3, 4, 6, 3] });
    expect(parseEncoderName('resnet10-w16')).toEqual({ block: 'basic', layers: [1, 1, 1, 1], width: 16 });
    expect(parseEncoderName('resnet18-w64')).toEqual({ block: 'basic', layers: [2, 2, 2, 2] });
    for (const name of ['resnet18', 'resnet50', 'resnet10-w16', 'resnet34-w32', 'resnet101']) expect(nameOfEncoder(parseEncoderName(name) as never)).toBe(name);
    expect(nameOfEncoder({ block: 'basic', layers: [1, 2, 1, 1] })).toBe('resnet(basic:1,2,1,1)');
  });

  it('says what is wrong with a bad name', () => {
    expect(parseEncoderName('vgg16')).toMatch(/unknown encoder 'vgg16'/);
    expect(parseEncoderName('resnet12')).toMatch(/unknown encoder/);
    expect(parseEncoderName('resnet18-w12')).toMatch(/multiple of 8/);
    expect(parseEncoderName('resnet18-w512')).toMatch(/from 8 to 256/);
  });
});
