import { describe, expect, it } from 'vitest';
import { imageSizeHint, parseImageSize, shouldRemember } from '../../../src/renderer/src/models/imageSize';

const open = { imageSize: null, imageSizeSource: null } as const;
const fromWeights = { imageSize: 256, imageSizeSource: 'weights' } as const;

describe('image size field', () => {
  it('is required only when the weights leave the size open, and says what to enter', () => {
    expect(parseImageSize('', open)).toEqual({ size: null, error: expect.stringMatching(/Enter the image size this model was trained at/) });
    expect(parseImageSize('', fromWeights)).toEqual({ size: 256, error: null });
    expect(parseImageSize('64', open)).toEqual({ size: 64, error: null });
    expect(parseImageSize(' 128 ', fromWeights)).toEqual({ size: 128, error: null });
  });
  it('refuses sizes a UNet cannot run at, with the reason', () => {
    expect(parseImageSize('8', open).error).toMatch(/16 to 1024/);
    expect(parseImageSize('64.5', open).error).toMatch(/whole number/);
    expect(parseImageSize('100', open).error).toMatch(/multiple of 8/);
    expect(parseImageSize('abc', open).size).toBeNull();
  });
  it('stores a size only when it differs from the model’s', () => {
    expect(shouldRemember(open, 64)).toBe(true);
    expect(shouldRemember(fromWeights, 256)).toBe(false);
    expect(shouldRemember(fromWeights, 128)).toBe(true);
    expect(shouldRemember(undefined, 64)).toBe(false);
    expect(shouldRemember(open, null)).toBe(false);
  });
  it('says where the size comes from', () => {
    expect(imageSizeHint(open)).toMatch(/Required once/);
    expect(imageSizeHint({ imageSize: 64, imageSizeSource: 'chosen' })).toMatch(/Kept with the model/);
    expect(imageSizeHint(fromWeights)).toMatch(/weights/);
  });
});
