import { readFileSync } from 'node:fs';
import { readNpz } from '../../../src/main/io/npy';
import type { NdArray } from '../../../src/main/io/ndarray';
import { sharedPath } from '../../helpers/shared';

/** The diffusionrig-a fixture directory. */
export const fixtureDir = () => sharedPath('fixtures', 'diffusionrig-a');

/** io.npz arrays of the fixture. */
export function fixtureArrays(): Map<string, NdArray> {
  return readNpz(readFileSync(sharedPath('fixtures', 'diffusionrig-a', 'io.npz')), 'io.npz');
}
