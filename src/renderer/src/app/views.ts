import type { ComponentType } from 'react';
import { EditView } from '../edit/EditView';
import { LibraryView } from '../library/LibraryView';
import { ModelsView } from '../models/ModelsView';
import { SettingsView } from '../settings/SettingsView';
import type { ViewProps } from '../navigation/viewProps';
import { ViewportPage } from '../viewport/components/ViewportPage';


export interface ViewEntry {
  /** First route segment: `#/<id>/...`. */
  id: string;
  label: string;
  /** A short glyph for the navigation rail. */
  icon: string;
  component: ComponentType<ViewProps>;
}

/**
 * The views of the app, in navigation order. Adding a view is one component plus one entry
 * here; the navigation rail and the router read this list.
 */
export const views: readonly ViewEntry[] = [
  { id: 'library', label: 'Library', icon: '▦', component: LibraryView },
  { id: 'viewport', label: '3D head', icon: '◉', component: ViewportPage },
  { id: 'models', label: 'Models', icon: '◇', component: ModelsView },
  { id: 'edit', label: 'Edit', icon: '✎', component: EditView },
  { id: 'settings', label: 'Settings', icon: '⚙', component: SettingsView },
];

export const defaultView = views[0].id;
