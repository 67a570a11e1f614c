import { useState } from 'react';
import { formatRoute } from '../navigation/route';
import { guideDismissedKey } from './guide';

export interface FirstStartGuideProps {
  /** The project's folder: the guide is dismissed per project. */
  projectDir: string;
}

/**
 * What to do first, on the demo project: the flow of a first hour, each step with where it is.
 * Dismissed once per project (kept in this browser's storage); the help overlay (?) stays.
 */
export function FirstStartGuide({ projectDir }: FirstStartGuideProps) {
  const key = guideDismissedKey(projectDir);
  const [dismissed, setDismissed] = useState(() => {
    try {
      return window.localStorage.getItem(key) === '1';
    } catch {
      return false;
    }
  });
  if (dismissed) return null;
  const dismiss = () => {
    try {
      window.localStorage.setItem(key, '1');
    } catch {
      // storage refused (private mode): dismissed for this session only
    }
    setDismissed(true);
  };
  return (
    <aside className="first-start-guide" aria-label="Getting started">
      <div>
        <strong>Welcome to the demo project.</strong> Its photos are rendered faces whose FLAME codes are known (ground truth). A first hour:
      </div>
      <ol>
        <li>Open a photo (double-click or Enter) and choose <em>Fitted head &amp; codes…</em> to see and edit its 3D head.</li>
        <li>
          Pose the head and light in the <a href={formatRoute('viewport')}>3D viewport</a>, with the buffers DiffusionRig renders.
        </li>
        <li>
          In <a href={formatRoute('edit')}>Edit</a>, with the <em>Demo base model</em> already selected (trained by Rig Studio on this demo head), pick sources, targets and modes, then <em>Generate</em>: a grid of transfers.
        </li>
        <li>Fine-tune the model on an album from its details in Models (<em>Fine-tune…</em>).</li>
        <li>
          Bring your own: import a DiffusionRig checkpoint in <a href={formatRoute('models')}>Models</a> (<em>Import checkpoint…</em>; if its weights do not tell its image size, enter it once), or train one there (<em>Train a base model…</em>).
        </li>
      </ol>
      <button type="button" className="small" onClick={dismiss}>
        Got it
      </button>
    </aside>
  );
}
