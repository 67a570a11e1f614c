import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EstimatorChoice } from '../../../src/common/contract/estimate';
import { writeChoice } from '../../../src/main/estimate/estimatorChoice';
import { main } from '../../../src/main/cli/main';
import { Project } from '../../../src/main/library/project';
import { sharedPath } from '../../helpers/shared';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rig-studio estimate (argument checks)', () => {
  it('needs a project, an album and the files its estimator needs', async () => {
    const none = capture();
    expect(await main(['estimate', '--album', 'A'], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('--project DIR is required');

    const dir = join(mkdtempSync(join(tmpdir(), 'estimate-cli-')), 'p');
    expect(await main(['project', 'create', dir], capture().io)).toBe(0);
    expect(await main(['album', 'create', '--project', dir, 'A'], capture().io)).toBe(0);
    const deca = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--estimator', 'deca'], deca.io)).toBe(2);
    expect(deca.err.join('\n')).toContain('needs --checkpoint');
    const emoca = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--estimator', 'emoca', '--checkpoint', 'x.ckpt'], emoca.io)).toBe(2);
    expect(emoca.err.join('\n')).toContain('--config cfg.yaml');
    const face = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--face', 'seven'], face.io)).toBe(2);
    expect(face.err.join('\n')).toContain('PHOTO:INDEX');
    const album = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'B'], album.io)).toBe(1);
    expect(album.err.join('\n')).toContain('no album named "B"');
  });
});

describe('rig-studio estimate (which estimator)', () => {
  const saved = process.env.RIG_STUDIO_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.RIG_STUDIO_DATA_DIR;
    else process.env.RIG_STUDIO_DATA_DIR = saved;
  });

  /** A project with an empty album 'A' (the job has no photo to run), Settings in a fresh data folder. */
  async function emptyProject() {
    const root = mkdtempSync(join(tmpdir(), 'estimate-choice-'));
    process.env.RIG_STUDIO_DATA_DIR = join(root, 'data');
    const dir = join(root, 'p');
    expect(await main(['project', 'create', dir], capture().io)).toBe(0);
    expect(await main(['album', 'create', '--project', dir, 'A'], capture().io)).toBe(0);
    return dir;
  }

  function saveChoice(dir: string, choice: EstimatorChoice) {
    const project = Project.open(dir);
    try {
      writeChoice(project.db, choice);
    } finally {
      project.close();
    }
  }

  /** The params of the project's newest estimation job. */
  function lastEstimateJob(dir: string): { estimator: unknown } {
    const project = Project.open(dir);
    try {
      const row = project.db.prepare(`SELECT params FROM jobs WHERE kind = 'estimate' ORDER BY id DESC LIMIT 1`).get() as { params: string };
      return JSON.parse(row.params) as { estimator: unknown };
    } finally {
      project.close();
    }
  }

  it("uses the project's saved estimator when --estimator is not given, and says so", async () => {
    const dir = await emptyProject();
    const fresh = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--json'], fresh.io)).toBe(0);
    expect(fresh.err.join('\n')).toContain("estimate: estimator Landmark fitting on the demo head (not FLAME) (the project's choice in Settings");
    expect(JSON.parse(fresh.out.join('\n')).estimator).toEqual({ kind: 'fit', summary: 'Landmark fitting on the demo head (not FLAME)', source: 'project' });

    saveChoice(dir, { kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') });
    const deca = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A'], deca.io)).toBe(0);
    expect(deca.err.join('\n')).toMatch(/estimate: estimator DECA \(deca_model\.tar\) \(the project's choice in Settings/);
    expect(deca.out.join('\n')).toMatch(/estimator {7}DECA \(deca_model\.tar\) \(project\)/);
    expect(lastEstimateJob(dir).estimator).toEqual({ kind: 'deca', checkpoint: sharedPath('fixtures', 'deca-a', 'deca_model.tar') });

    const override = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A', '--estimator', 'fit', '--json'], override.io)).toBe(0);
    expect(override.err.join('\n')).toContain('estimate: estimator Landmark fitting on the demo head (not FLAME) (from the command line)');
    expect(JSON.parse(override.out.join('\n')).estimator).toMatchObject({ kind: 'fit', source: 'command line' });
  });

  it('refuses a saved estimator whose files are gone, naming the file', async () => {
    const dir = await emptyProject();
    const missing = join(dir, 'gone', 'deca_model.tar');
    saveChoice(dir, { kind: 'deca', checkpoint: missing });
    const run = capture();
    expect(await main(['estimate', '--project', dir, '--album', 'A'], run.io)).toBe(1);
    expect(run.err.join('\n')).toContain("the project's estimator cannot run: DECA checkpoint:");
    expect(run.err.join('\n')).toContain(missing);
  });
});
