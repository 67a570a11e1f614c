// Electron entry: a thin shell. Services live in src/main and know nothing of Electron;
// the desktop wiring is in src/main/electron/.
import { startElectronApp } from './electron/main';

startElectronApp();
