import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { errorMessage } from '../api';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface Notify {
  /** Shows an error to the user; `context` says what was being done ("Could not delete the album"). */
  error(error: unknown, context?: string): void;
  info(text: string): void;
}

const NotifyContext = createContext<Notify | null>(null);
const NoticesContext = createContext<{ notices: Notice[]; dismiss: (id: number) => void }>({ notices: [], dismiss: () => undefined });

let nextId = 1;

export interface NoticesProviderProps {
  children?: ReactNode;
}

/** Holds the transient messages (errors and confirmations) shown by <NoticeStack>. */
export function NoticesProvider({ children }: NoticesProviderProps) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const push = useCallback(
    (kind: Notice['kind'], text: string) => {
      const id = nextId++;
      setNotices((list) => [...list.slice(-4), { id, kind, text }]);
      // Errors stay until dismissed: the user must be able to read them.
      if (kind === 'info') setTimeout(() => dismiss(id), 4000);
    },
    [dismiss],
  );
  const notify = useMemo<Notify>(
    () => ({
      error: (error, context) => {
        console.error(context ?? 'error', error);
        push('error', context ? `${context}: ${errorMessage(error)}` : errorMessage(error));
      },
      info: (text) => push('info', text),
    }),
    [push],
  );
  const list = useMemo(() => ({ notices, dismiss }), [notices, dismiss]);
  return (
    <NotifyContext.Provider value={notify}>
      <NoticesContext.Provider value={list}>{children}</NoticesContext.Provider>
    </NotifyContext.Provider>
  );
}

/** Reports errors and short confirmations to the user. */
export function useNotify(): Notify {
  const notify = useContext(NotifyContext);
  if (!notify) throw new Error('useNotify() outside <NoticesProvider>');
  return notify;
}

/** The current notices, for <NoticeStack>. */
export function useNotices(): { notices: Notice[]; dismiss: (id: number) => void } {
  return useContext(NoticesContext);
}
