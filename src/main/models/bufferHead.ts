/**
 * Which head a model's training buffers were rendered with, and the warning when the head in use
 * now is another. A DiffusionRig model only makes faces from buffers of the head it was trained
 * on: a FLAME-trained checkpoint fed the demo head's buffers (no FLAME files set) makes colour
 * noise, and the Demo base model knows the demo head only.
 */
import type { BufferHead, HeadCheck } from '../../common/contract/models';
import { ModelAssetStore } from '../flame/assets';
import { flameFilesFrom } from '../head/activeModel';
import { resolveDataDir } from '../settings/dataDir';
import type { ModelRecord } from './registry';

export type { BufferHead, HeadCheck };

/**
 * The head a model's buffers came from: the one its training recorded (lineage.head); the demo
 * head for the Demo base model; for a personalised model without a record, its base model's;
 * FLAME for an imported checkpoint (upstream DiffusionRig trains on DECA's FLAME buffers); null
 * when unknown (a base model Rig Studio trained before heads were recorded).
 */
export function modelBufferHead(record: Pick<ModelRecord, 'kind' | 'lineage' | 'baseModelId'>, baseOf: (id: number) => Pick<ModelRecord, 'kind' | 'lineage' | 'baseModelId'> | undefined = () => undefined, depth = 0): BufferHead | null {
  const lineage = record.lineage;
  if (lineage?.head === 'flame' || lineage?.head === 'demo') return lineage.head;
  if (typeof lineage?.trainedBy === 'string' && /demo head/.test(lineage.trainedBy)) return 'demo';
  if (record.baseModelId !== null) {
    const base = depth < 8 ? baseOf(record.baseModelId) : undefined;
    return base ? modelBufferHead(base, baseOf, depth + 1) : null;
  }
  return lineage === null ? 'flame' : null;
}

/** The head buffers are rendered with now: the researcher's FLAME when its files are set in Settings, else the demo head. */
export function activeBufferHead(store: { current(): { modelPath: string | null; decaDataDir: string | null } } = new ModelAssetStore(resolveDataDir())): BufferHead {
  return flameFilesFrom(store)() ? 'flame' : 'demo';
}

/** The model's head against the head in use, with the warning and its fix when they differ. */
export function headCheck(model: BufferHead | null, active: BufferHead): HeadCheck {
  if (model === null || model === active) return { model, active, warning: null };
  const warning =
    model === 'flame'
      ? 'This model was trained on FLAME buffers, but no FLAME files are set, so the buffers come from the demo head (not FLAME): its results will be colour noise, not faces. Set your FLAME model and DECA data folder in Settings → FLAME files.'
      : 'This model was trained on the demo head’s buffers, but your FLAME files are in use (Settings → FLAME files): it knows the demo head only, so its results will not be faces. Clear the FLAME files in Settings to use it on demo photos, or use a model trained on FLAME buffers.';
  return { model, active, warning };
}
