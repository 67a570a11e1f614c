import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variable that moves the data dir (tests, e2e and portable installs use it). */
export const dataDirEnv = 'RIG_STUDIO_DATA_DIR';

/**
 * Where Rig Studio keeps its own state (recent projects, settings, the demo project): the
 * per-OS user config folder + `rig-studio`, unless RIG_STUDIO_DATA_DIR says otherwise.
 * Projects themselves live wherever the user puts them.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  const override = env[dataDirEnv];
  if (override) return override;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'rig-studio');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'rig-studio');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'rig-studio');
}
