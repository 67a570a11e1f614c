// Preload: bridges the typed contract over Electron IPC; nothing else.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('rigStudio', {});
