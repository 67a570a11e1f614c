// Preload: bridges the typed contract over Electron IPC; nothing else. Channel names and the
// reply shape come from the contract's transport module, shared with src/main/electron/ipc.ts.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { AnyEvent, EventName } from '../common/contract/events';
import { type IpcReply, ipcChannels, type PickPathsOptions } from '../common/contract/transport';
import type { RigStudioBridge } from './api';

const bridge: RigStudioBridge = {
  async call(channel, params) {
    const reply = (await ipcRenderer.invoke(ipcChannels.call, channel, params)) as IpcReply;
    if (reply.ok) return reply.result as never;
    throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  },
  on(eventOrListener: EventName | ((event: AnyEvent) => void), listener?: (payload: never) => void) {
    const handler = (_e: Electron.IpcRendererEvent, message: AnyEvent) => {
      if (typeof eventOrListener === 'function') eventOrListener(message);
      else if (message.name === eventOrListener) listener?.(message.payload as never);
    };
    ipcRenderer.on(ipcChannels.event, handler);
    return () => {
      ipcRenderer.off(ipcChannels.event, handler);
    };
  },
  pickPaths(options?: PickPathsOptions) {
    return ipcRenderer.invoke(ipcChannels.pickPaths, options ?? {}) as Promise<string[]>;
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('rigStudio', bridge);
