/**
 * The export channel's handler: the open project's textured head as a browser download
 * (OBJ + MTL + PNG zipped, or glTF with the texture embedded).
 */
import type { HeadExportFile, HeadExportFormatName } from '../../common/contract/export';
import type { FlameCodes } from '../../common/flame/codes';
import type { HeadModelSources } from '../head/activeModel';
import type { TaskPool } from '../jobs/pool';
import type { ProjectSlot } from '../library/openProject';
import type { TextureTasks } from './task';
import { HeadExporter } from './service';

const mimes: Record<HeadExportFormatName, string> = { obj: 'application/zip', glb: 'model/gltf-binary', gltf: 'model/gltf+json' };

/** What the export channel needs: the open project, the worker pool and where the head model comes from. */
export interface ExportHandlerDeps {
  projects: Pick<ProjectSlot, 'require'>;
  pool: TaskPool<TextureTasks>;
  heads: HeadModelSources;
}

/** `export.*` handlers over the open project and the worker pool. */
export function exportHandlers({ projects, pool, heads }: ExportHandlerDeps) {
  let exporter: { project: unknown; exporter: HeadExporter } | null = null;
  const current = () => {
    const { project } = projects.require();
    if (exporter?.project !== project) {
      exporter = { project, exporter: new HeadExporter({ project: () => projects.require().project, pool, heads }) };
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
