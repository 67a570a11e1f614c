import { z } from 'zod';
import { channel } from './channel';

// FLAME model assets: the researcher's FLAME file and DECA data folder, chosen in
// Settings, checked by the backend and remembered. The app never ships FLAME data.

/** What Settings remembers. Null means "not set" (the viewport then uses the demo head). */
export interface ModelAssetPaths {
  modelPath: string | null;
  decaDataDir: string | null;
}

/** One checked file. */
export interface AssetCheck {
  /** e.g. 'FLAME model', 'landmark_embedding.npy'. */
  name: string;
  path: string | null;
  /** 'ok'; 'missing' (not there); 'invalid' (there but unreadable or wrong); 'absent' (optional, not there). */
  status: 'ok' | 'missing' | 'invalid' | 'absent';
  /** Needed for: e.g. 'skinning', 'landmarks', 'albedo', 'DECA estimation'. */
  neededFor: string;
  required: boolean;
  /** What was found or what is wrong, in words the researcher can act on. */
  message: string;
}

export interface ModelAssetReport {
  paths: ModelAssetPaths;
  /** True when every required asset is ok (optional ones may be absent). */
  ok: boolean;
  checks: AssetCheck[];
  /** Summary of the model when it loaded. */
  model: { vertexCount: number; faceCount: number; shapeComponents: number; expressionComponents: number } | null;
}

const paths = z.object({
  modelPath: z.string().min(1).max(4096).nullable(),
  decaDataDir: z.string().min(1).max(4096).nullable(),
});

export const flameContract = {
  /** The remembered paths and a fresh check of them. */
  'flame.assets.get': channel<ModelAssetReport>()(),
  /** Checks paths without remembering them (Settings' live feedback). */
  'flame.assets.check': channel<ModelAssetReport>()(paths),
  /** Remembers the paths (even when something is wrong, so it can be fixed later) and checks them. */
  'flame.assets.set': channel<ModelAssetReport>()(paths),
};
