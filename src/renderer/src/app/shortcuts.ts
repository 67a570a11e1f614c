/** One keyboard shortcut, as listed in the help overlay (`?`). */
export interface Shortcut {
  keys: string[];
  description: string;
}

export interface ShortcutGroup {
  scope: string;
  shortcuts: Shortcut[];
}

/** Every shortcut the app handles, grouped by where it works; the help overlay shows this list. */
export const shortcutGroups: ShortcutGroup[] = [
  {
    scope: 'Anywhere',
    shortcuts: [
      { keys: ['?'], description: 'Show or hide this list' },
      { keys: ['J'], description: 'Show or hide the jobs panel' },
      { keys: ['Esc'], description: 'Close the open dialog or panel' },
    ],
  },
  {
    scope: 'Photo grid',
    shortcuts: [
      { keys: ['←', '→', '↑', '↓'], description: 'Move the focus' },
      { keys: ['Home', 'End'], description: 'First / last photo' },
      { keys: ['PgUp', 'PgDn'], description: 'Move the focus by a screenful' },
      { keys: ['Shift', '+ arrows'], description: 'Extend the selection' },
      { keys: ['Space'], description: 'Select or deselect the focused photo' },
      { keys: ['Click'], description: 'Select one photo' },
      { keys: ['Shift', '+ click'], description: 'Select a range' },
      { keys: ['Ctrl/⌘', '+ click'], description: 'Add or remove one photo' },
      { keys: ['Ctrl/⌘', 'A'], description: 'Select all photos of the album' },
      { keys: ['Esc'], description: 'Clear the selection' },
      { keys: ['Enter'], description: 'Open the focused photo' },
      { keys: ['Delete'], description: 'Delete the selected photos (asks first)' },
    ],
  },
  {
    scope: 'Photo viewer',
    shortcuts: [
      { keys: ['←', '→'], description: 'Previous / next photo' },
      { keys: ['Esc'], description: 'Back to the grid' },
    ],
  },
];

/** True when a key event comes from a text field, where letters must not act as shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
