import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/library/project';
import { resolveDataDir } from '../../../src/main/settings/dataDir';
import { Settings } from '../../../src/main/settings/settings';
import { tempDir } from '../library/fixtures';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('data dir', () => {
  it('is RIG_STUDIO_DATA_DIR when set, else the per-OS config folder', () => {
    expect(resolveDataDir({ RIG_STUDIO_DATA_DIR: '/x/data' }, 'linux', '/home/u')).toBe('/x/data');
    expect(resolveDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/rig-studio');
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u')).toBe('/cfg/rig-studio');
    expect(resolveDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/rig-studio');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toMatch(/AppData.Roaming.rig-studio$/);
  });
});

describe('Settings', () => {
  it('remembers recent projects newest first, once each, and marks vanished ones', () => {
    const dataDir = join(tmp.dir, 'data1');
    const a = join(tmp.dir, 'a');
    const b = join(tmp.dir, 'b');
    Project.create(a, 'A').close();
    Project.create(b, 'B').close();
    const settings = new Settings(dataDir);
    settings.rememberProject(a, 'A');
    settings.rememberProject(b, 'B');
    settings.rememberProject(a, 'A');
    settings.rememberProject(join(tmp.dir, 'gone'), 'Gone');
    // A new instance reads what the last one wrote.
    const recent = new Settings(dataDir).recentProjects();
    expect(recent.map((r) => [r.name, r.available])).toEqual([['Gone', false], ['A', true], ['B', true]]);
  });

  it('sets a damaged settings file aside instead of failing', () => {
    const dataDir = join(tmp.dir, 'data2');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'settings.json'), '{ not json');
    const settings = new Settings(dataDir);
    expect(settings.recentProjects()).toEqual([]);
    expect(readdirSync(dataDir).some((n) => n.startsWith('settings.json.damaged-'))).toBe(true);
    settings.rememberProject(join(tmp.dir, 'a'), 'A');
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(true);
  });
});
