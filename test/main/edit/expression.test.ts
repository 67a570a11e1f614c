import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressionEstimatorSpec } from '../../../src/main/edit/expression';
import { writeChoice } from '../../../src/main/estimate/estimatorChoice';
import { EstimateStore } from '../../../src/main/estimate/store';
import { openTestProject, type TestProject } from '../library/harness';
import { writeSyntheticFaces } from '../../helpers/editFixture';

// Which estimator re-estimates a result's expression, from the project's estimator and the target's codes.
describe('the expression error\'s estimator', () => {
  let t: TestProject;
  let photos: number[];
  const assets = { modelPath: null, decaDataDir: null };

  beforeAll(async () => {
    t = openTestProject();
    const album = t.library.createAlbum('A').id;
    const faces = await writeSyntheticFaces(t.root, 2, 32);
    await t.importPaths(album, faces.map((f) => f.path));
    photos = t.library.listPhotos(album, 0, 10).items.map((p) => p.id);
    const estimates = new EstimateStore(t.project.db);
    estimates.saveCodes(photos[0], { name: 'deca', version: '1' }, faces[0].codes);
    estimates.saveCodes(photos[1], { name: 'demo-ground-truth', version: '1' }, faces[1].codes);
  }, 60_000);
  afterAll(() => t.close());

  it('defaults to the target\'s estimator, landmark fitting always runs, DECA/EMOCA only as the project\'s estimator', () => {
    const fit = { spec: { kind: 'fit', flameModel: null, decaDataDir: null }, estimator: 'fit' };
    // a new project estimates by landmark fitting
    expect(expressionEstimatorSpec(t.project.db, assets, 'fit', photos[0])).toEqual(fit);
    // the demo's known codes: the project's estimator
    expect(expressionEstimatorSpec(t.project.db, assets, 'target', photos[1])).toEqual(fit);
    expect(expressionEstimatorSpec(t.project.db, assets, 'target', null)).toEqual(fit);
    // the target's codes came from DECA, which this project has no checkpoint for
    expect(expressionEstimatorSpec(t.project.db, assets, 'target', photos[0])).toEqual({
      unavailable: 'expression: re-estimating with DECA needs its checkpoint; choose DECA as the project\'s estimator in Settings (it is landmark fitting), or score with landmark fitting',
    });
    // DECA as the project's estimator, with a checkpoint that is not there: the check's own message
    writeChoice(t.project.db, { kind: 'deca', checkpoint: '/nowhere/deca_model.tar' });
    expect(expressionEstimatorSpec(t.project.db, assets, 'target', photos[0])).toEqual({ unavailable: expect.stringContaining('/nowhere/deca_model.tar does not exist') });
    expect(expressionEstimatorSpec(t.project.db, assets, 'emoca', photos[0])).toEqual({ unavailable: expect.stringContaining('choose EMOCA as the project\'s estimator in Settings (it is DECA)') });
    expect(expressionEstimatorSpec(t.project.db, assets, 'fit', photos[0])).toEqual(fit);
  });
});
