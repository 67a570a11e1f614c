/**
 * The export channel's handler: the open project's textured head as a browser download
 * (OBJ + MTL + PNG zipped, or glTF with the texture embedded).
 */
import type { HeadExportFile, HeadExportFormatName } from '../../common/contract/export';
import type { FlameCodes } from '../../common/contract/viewport';
import type { Backend } from '../app/backend';
import { ModelAssetStore } from '../flame/assets';
import { defaultDemoHeadDir, flameFilesFrom } from '../head/activeModel';
import { HeadExporter } from './service';

const mimes: Record<HeadExportFormatName, string> = { obj: 'application/zip', glb: 'model/gltf-binary', gltf: 'model/gltf+json' };

/** `export.*` handlers over the backend's open project and worker pool. */
export function exportHandlers(backend: Backend) {
  let exporter: { project: unknown; exporter: HeadExporter } | null = null;
  const current = () => {
    const { project } = backend.require();
    if (exporter?.project !== project) {
      const heads = { flameFiles: flameFilesFrom(new ModelAssetStore(backend.dataDir)), demoHeadDir: defaultDemoHeadDir() };
      exporter = { project, exporter: new HeadExporter({ project: () => backend.require().project, pool: backend.pool, heads }) };
    }
    return exporter.exporter;
  };
  return {
    'export.head': async ({ photoId, resultId, format, textureSize, codes }: { photoId?: number | null; resultId?: number | null; format: HeadExportFormatName; textureSize?: number; codes?: FlameCodes }): Promise<HeadExportFile> => {
      const done = await current().export({ photoId, resultId, format: format === 'obj' ? 'obj-zip' : format, textureSize, codes });
      const file = done.files[0];
      return {
        fileName: file.name,
        mime: mimes[format],
        base64: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString('base64'),
        description: done.description,
        texture: { textureSize: done.textureSize, ...done.counts },
      };
    },
  };
}
