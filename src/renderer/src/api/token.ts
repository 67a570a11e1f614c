// Serve mode's access token: arrives once in the URL printed by `rig-studio serve`, then lives
// in sessionStorage (per tab, gone when the tab closes) and is dropped from the address bar so
// it does not end up in screenshots, bookmarks or the history.

const storageKey = 'rigStudio.token';

/** Reads `?token=` from the address bar (keeping it for this tab) or the one kept earlier. */
export function takeToken(location: Location = window.location, history: History = window.history): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(storageKey, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(storageKey);
}
