/**
 * The estimator a project uses (Settings): remembered in the project's `meta` table, so it
 * travels with the project folder, and checked file by file for Settings' live feedback. The
 * checks stay light (existence, size, archive magic, cfg.yaml contents): the checkpoint's
 * weights are read by the estimation job in a worker thread, never on the main thread, and a
 * bad checkpoint then fails the job's photos with the loader's own message.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { EstimatorChoice, EstimatorReport } from '../../common/contract/estimate';
import { estimatorChoiceSchema } from '../../common/contract/estimate';
import type { AssetCheck, ModelAssetPaths } from '../../common/contract/flame';
import type { EstimatorSpec } from './task';
import { parseYaml, yamlGet, type YamlValue } from './yaml';
import { AppError } from '../core/errors';

const metaKey = 'estimator';

/** Landmark fitting needs no checkpoint, so it is what a new project uses. */
export const defaultChoice: EstimatorChoice = { kind: 'fit' };

/** The project's estimator (the default when none was saved or the saved value is damaged). */
export function readChoice(db: Database): EstimatorChoice {
  const row = db.prepare('SELECT value FROM meta WHERE key = @key').get({ key: metaKey }) as { value: string } | undefined;
  if (!row) return defaultChoice;
  try {
    return estimatorChoiceSchema.parse(JSON.parse(row.value));
  } catch {
    return defaultChoice;
  }
}

/** Remembers the project's estimator. */
export function writeChoice(db: Database, choice: EstimatorChoice): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run({ key: metaKey, value: JSON.stringify(choice) });
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;

function firstBytes(path: string, count: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const read = readSync(fd, buffer, 0, count, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** A checkpoint file: there, a file, and a format the checkpoint reader takes. */
function checkpointCheck(name: string, path: string, neededFor: string): AssetCheck {
  const check: AssetCheck = { name, path, status: 'missing', neededFor, required: true, message: '' };
  if (!existsSync(path)) {
    check.message = `${path} does not exist`;
    return check;
  }
  const stat = statSync(path);
  if (!stat.isFile()) {
    check.status = 'invalid';
    check.message = `${path} is a folder; choose the checkpoint file itself`;
    return check;
  }
  check.status = 'invalid';
  if (stat.size < 1024) {
    check.message = `${path}: ${stat.size} bytes, too small for a checkpoint`;
    return check;
  }
  const head = firstBytes(path, 8);
  const lower = path.toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x4b) {
    check.status = 'ok';
    check.message = `PyTorch zip archive, ${megabytes(stat.size)} (its weights are read when estimating)`;
  } else if (lower.endsWith('.safetensors') || lower.endsWith('.npz')) {
    check.status = 'ok';
    check.message = `${lower.endsWith('.npz') ? 'NumPy archive' : 'safetensors file'}, ${megabytes(stat.size)} (its weights are read when estimating)`;
  } else {
    check.message = `${path}: not a PyTorch checkpoint (torch.save zip archive), .safetensors or .npz; is this the right file?`;
  }
  return check;
}

/** EMOCA's cfg.yaml: readable, with the expression encoder Rig Studio runs ('deca_clone'). */
function emocaConfigCheck(path: string): AssetCheck {
  const check: AssetCheck = { name: 'EMOCA cfg.yaml', path, status: 'missing', neededFor: "EMOCA's expression encoder settings", required: true, message: '' };
  if (!existsSync(path) || !statSync(path).isFile()) {
    check.message = `${path} does not exist or is not a file`;
    return check;
  }
  check.status = 'invalid';
  let config: YamlValue;
  try {
    config = parseYaml(readFileSync(path, 'utf8'), path);
  } catch (error) {
    check.message = error instanceof Error ? error.message : String(error);
    return check;
  }
  // OmegaConf saves the model block at the top, under `model`, or under coarse/detail
  const model = ['model', 'coarse.model', 'detail.model', ''].map((p) => (p ? yamlGet(config, p) : config)).find((m) => m && typeof m === 'object' && yamlGet(m, 'expression_backbone') !== undefined);
  if (!model) {
    check.message = `${path}: no model.expression_backbone entry; is this the cfg.yaml next to EMOCA's checkpoint?`;
    return check;
  }
  const backbone = String(yamlGet(model, 'expression_backbone'));
  if (backbone !== 'deca_clone') {
    check.message = `${path}: expression_backbone '${backbone}' is not supported (Rig Studio runs EMOCA's 'deca_clone' expression encoder)`;
    return check;
  }
  check.status = 'ok';
  check.message = "expression encoder 'deca_clone'";
  return check;
}

/** Landmark fitting: the head it fits (FLAME from Settings with DECA's landmark embedding, or the demo head). */
function fittingCheck(assets: ModelAssetPaths): { check: AssetCheck; summary: string } {
  const check: AssetCheck = { name: 'Head model for fitting', path: assets.modelPath, status: 'ok', neededFor: 'landmark fitting', required: true, message: '' };
  if (!assets.modelPath) {
    check.message = 'no FLAME file in Settings: fitting uses the demo head (not FLAME); choose your FLAME file above for real estimates';
    return { check, summary: 'Landmark fitting on the demo head (not FLAME)' };
  }
  if (!existsSync(assets.modelPath)) {
    check.status = 'missing';
    check.message = `the FLAME file ${assets.modelPath} does not exist; fix it above`;
    return { check, summary: 'Landmark fitting (FLAME file missing)' };
  }
  const embedding = assets.decaDataDir ? join(assets.decaDataDir, 'landmark_embedding.npy') : null;
  if (!embedding || !existsSync(embedding)) {
    check.status = 'missing';
    check.message = "landmark fitting on FLAME needs DECA's landmark_embedding.npy: choose the DECA data folder above";
    return { check, summary: 'Landmark fitting (landmark embedding missing)' };
  }
  check.message = `fits ${basename(assets.modelPath)} to the 68 landmarks, landmarks from ${embedding}`;
  return { check, summary: `Landmark fitting on ${basename(assets.modelPath)}` };
}

/** Checks an estimator choice; never throws for bad files. */
export function checkEstimator(choice: EstimatorChoice, assets: ModelAssetPaths): EstimatorReport {
  let checks: AssetCheck[];
  let summary: string;
  if (choice.kind === 'fit') {
    const fit = fittingCheck(assets);
    checks = [fit.check];
    summary = fit.summary;
  } else if (choice.kind === 'deca') {
    checks = [checkpointCheck('DECA checkpoint', choice.checkpoint, 'DECA estimation (E_flame)')];
    summary = `DECA (${basename(choice.checkpoint)})`;
  } else {
    checks = [checkpointCheck('EMOCA checkpoint', choice.checkpoint, 'EMOCA estimation (E_flame + E_expression)'), emocaConfigCheck(choice.config)];
    summary = `EMOCA (${basename(choice.checkpoint)})`;
  }
  const head = choice.kind === 'fit' && !assets.modelPath ? 'demo' : 'flame';
  return { choice, ok: checks.every((c) => c.status === 'ok'), checks, summary, head };
}

/**
 * The estimation job's estimator for a choice: landmark fitting takes the FLAME files from
 * Settings (null: the demo head). A choice whose files fail the check is refused with the
 * check's own message, before any job starts.
 */
export function estimatorSpecFor(choice: EstimatorChoice, assets: ModelAssetPaths): EstimatorSpec {
  const report = checkEstimator(choice, assets);
  const failed = report.checks.find((c) => c.status !== 'ok');
  if (failed) throw new AppError('conflict', `the project's estimator cannot run: ${failed.name}: ${failed.message} (see Settings)`);
  if (choice.kind === 'fit') return { kind: 'fit', flameModel: assets.modelPath, decaDataDir: assets.modelPath ? assets.decaDataDir : null };
  return choice;
}
