import { useCallback, useEffect, useState } from 'react';

/** Where the user is: `#/<view>/<rest...>`, e.g. `#/library/12` for album 12. */
export interface Route {
  view: string;
  path: string[];
}

/** Parses a location hash into a route; an empty hash is the default view. */
export function parseHash(hash: string, defaultView: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? { view: parts[0], path: parts.slice(1) } : { view: defaultView, path: [] };
}

/** Builds the hash for a route. */
export function formatRoute(view: string, ...path: (string | number)[]): string {
  return '#/' + [view, ...path].map((p) => encodeURIComponent(String(p))).join('/');
}

/**
 * The route kept in the address bar's hash, so a reload (or a bookmark) comes back to the same
 * view and album; `navigate` pushes a history entry, so Back works.
 */
export function useHashRoute(defaultView: string): [Route, (hash: string) => void] {
  const [route, setRoute] = useState(() => parseHash(window.location.hash, defaultView));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash, defaultView));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [defaultView]);
  const navigate = useCallback((hash: string) => {
    if (window.location.hash !== hash) window.location.hash = hash;
  }, []);
  return [route, navigate];
}
