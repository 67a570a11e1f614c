import { useCallback, useState } from 'react';
import type { StageProgress } from '../api';
import { useApi, useTransport } from '../providers/BackendProvider';
import { useNotify } from '../providers/NoticesProvider';
import { useJobs } from '../jobs/JobsProvider';

export type ImportPhase =
  | { phase: 'idle' }
  | { phase: 'uploading'; progress: StageProgress }
  | { phase: 'starting' }
  | { phase: 'job'; jobId: number };

export interface Importer {
  state: ImportPhase;
  /** Browser files (drop, file input): uploaded in serve mode, passed by path in Electron. */
  importFiles: (files: File[]) => Promise<void>;
  /** Paths the backend can read (native dialog, server file browser, Electron drop). */
  importPaths: (paths: string[]) => Promise<void>;
  /** Hides the finished import's report. */
  dismiss: () => void;
}

/** Runs imports into one album and remembers the last one, whose job the album view follows. */
export function useImport(albumId: number): Importer {
  const api = useApi();
  const transport = useTransport();
  const notify = useNotify();
  const { update } = useJobs();
  const [state, setState] = useState<ImportPhase>({ phase: 'idle' });

  const importPaths = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      setState({ phase: 'starting' });
      try {
        const { jobId } = await api['import.start']({ albumId, paths });
        setState({ phase: 'job', jobId });
        // The job's events may have been sent before we knew its id: fetch it once.
        const { log: _log, ...job } = await api['job.get']({ jobId });
        update(job);
      } catch (e) {
        setState({ phase: 'idle' });
        notify.error(e, 'Could not start the import');
      }
    },
    [api, albumId, notify, update],
  );

  const importFiles = useCallback(
    async (files: File[]) => {
      if (files.length === 0) {
        notify.info('Nothing to import: no files were given.');
        return;
      }
      let paths: string[];
      try {
        setState({ phase: 'uploading', progress: { done: 0, total: files.length, bytesDone: 0, bytesTotal: 0 } });
        paths = await transport.stageFiles(files, (progress) => setState({ phase: 'uploading', progress }));
      } catch (e) {
        setState({ phase: 'idle' });
        notify.error(e, 'Could not upload the files');
        return;
      }
      await importPaths(paths);
    },
    [transport, importPaths, notify],
  );

  const dismiss = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, importFiles, importPaths, dismiss };
}
