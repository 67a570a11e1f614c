/** What every view receives: the rest of the route after its id, and a way to move. */
export interface ViewProps {
  /** Route segments after the view id (`#/library/12` → ['12']). */
  path: string[];
  navigate: (hash: string) => void;
}
