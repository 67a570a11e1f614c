import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../common/contract';
import { Project } from '../library/project';
import { writeFileAtomicSync } from '../library/atomicFile';

const maxRecent = 20;

const fileSchema = z.object({
  recentProjects: z.array(z.object({ dir: z.string(), name: z.string(), openedAt: z.string() })).default([]),
});
type SettingsFile = z.infer<typeof fileSchema>;

/**
 * The app's own small state in `<dataDir>/settings.json`: recent projects (and later
 * preferences). Written whole, atomically; a damaged file is set aside, not fatal.
 */
export class Settings {
  private readonly file: string;
  private data: SettingsFile;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'settings.json');
    this.data = this.load();
  }

  private load(): SettingsFile {
    if (!existsSync(this.file)) return fileSchema.parse({});
    try {
      return fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      renameSync(this.file, `${this.file}.damaged-${Date.now()}`);
      return fileSchema.parse({});
    }
  }

  private save(): void {
    writeFileAtomicSync(this.file, JSON.stringify(this.data, null, 2));
  }

  /** Recent projects, newest first, each marked available or not (folder gone / not a project). */
  recentProjects(): RecentProject[] {
    return this.data.recentProjects.map((r) => ({ ...r, available: Project.isProject(r.dir) }));
  }

  /** Moves `dir` to the top of the recent list. */
  rememberProject(dir: string, name: string): void {
    const rest = this.data.recentProjects.filter((r) => r.dir !== dir);
    this.data.recentProjects = [{ dir, name, openedAt: new Date().toISOString() }, ...rest].slice(0, maxRecent);
    this.save();
  }
}
