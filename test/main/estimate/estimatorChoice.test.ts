import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEstimator, defaultChoice, estimatorSpecFor, readChoice, writeChoice } from '../../../src/main/estimate/estimatorChoice';
import { Project } from '../../../src/main/library/project';
import { sharedPath } from '../../helpers/shared';
import { tempDir } from '../library/fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("the project's estimator choice", () => {
  it('lives in the project folder: a reopened (or copied) project keeps it; a damaged value falls back to fitting', () => {
    const dir = join(tmp.dir, 'p');
    let project = Project.create(dir, 'P');
    expect(readChoice(project.db)).toEqual(defaultChoice);
    writeChoice(project.db, { kind: 'emoca', checkpoint: '/m/e.ckpt', config: '/m/cfg.yaml' });
    writeChoice(project.db, { kind: 'deca', checkpoint: '/m/deca_model.tar' });
    project.close();
    project = Project.open(dir);
    expect(readChoice(project.db)).toEqual({ kind: 'deca', checkpoint: '/m/deca_model.tar' });
    project.db.prepare("UPDATE meta SET value = '{\"kind\":\"magic\"}' WHERE key = 'estimator'").run();
    expect(readChoice(project.db)).toEqual({ kind: 'fit' });
    project.close();
  });

  it("gives the job the files it needs: fitting takes Settings' FLAME files, or the demo head when none", () => {
    const flame = { modelPath: sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'), decaDataDir: sharedPath('deca-data') };
    expect(estimatorSpecFor({ kind: 'fit' }, flame)).toEqual({ kind: 'fit', flameModel: flame.modelPath, decaDataDir: flame.decaDataDir });
    expect(estimatorSpecFor({ kind: 'fit' }, { modelPath: null, decaDataDir: flame.decaDataDir })).toEqual({ kind: 'fit', flameModel: null, decaDataDir: null });
    const checkpoint = sharedPath('fixtures', 'deca-a', 'deca_model.tar');
    expect(estimatorSpecFor({ kind: 'deca', checkpoint }, flame)).toEqual({ kind: 'deca', checkpoint });
  });

  it('says whose codes it makes: the demo head when fitting without a FLAME file, FLAME otherwise', () => {
    const flame = { modelPath: sharedPath('fixtures', 'flame-synthetic', 'generic_model.pkl'), decaDataDir: sharedPath('deca-data') };
    const none = { modelPath: null, decaDataDir: null };
    expect(checkEstimator({ kind: 'fit' }, none).head).toBe('demo');
    expect(checkEstimator({ kind: 'fit' }, flame).head).toBe('flame');
    expect(checkEstimator({ kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') }, none).head).toBe('flame');
  });

  it('refuses a choice whose files fail the check, naming the file', () => {
    expect(() => estimatorSpecFor({ kind: 'fit' }, { modelPath: join(tmp.dir, 'missing.pkl'), decaDataDir: null })).toThrow(/missing\.pkl does not exist/);
    expect(() => estimatorSpecFor({ kind: 'emoca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar'), config: join(tmp.dir, 'cfg.yaml') }, { modelPath: null, decaDataDir: null })).toThrow(
      /EMOCA cfg\.yaml: .*cfg\.yaml does not exist/,
    );
  });
});
