import { useState } from 'react';
import type { ViewProps } from '../navigation/viewProps';
import { EstimatorSection } from './EstimatorSection';
import { ModelAssetsSection } from './ModelAssetsSection';
import './settings.css';

export type SettingsViewProps = ViewProps;

/** Settings: the researcher's FLAME files (for the app) and the estimator (for the open project). */
export function SettingsView(_props: SettingsViewProps) {
  // landmark fitting's check reads the FLAME files: re-check it when they are saved
  const [assetsVersion, setAssetsVersion] = useState(0);
  return (
    <div className="settings-view">
      <h1>Settings</h1>
      <ModelAssetsSection onSaved={() => setAssetsVersion((n) => n + 1)} />
      <EstimatorSection assetsVersion={assetsVersion} />
    </div>
  );
}
