import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ProjectInfo } from '../../common/contract';
import { AppError } from '../core/errors';
import { type Database, now, openDatabase, SchemaTooNewError, schemaVersion } from '../db/database';
import { databaseFileName, type ProjectPaths, projectPaths } from './paths';

/** Marks a SQLite file as a Rig Studio project (meta.app). */
const appMarker = 'rig-studio';

/**
 * An open project folder: its database and file layout. Services (library, jobs) take a
 * Project and nothing global, so a test can open several side by side.
 */
export class Project {
  private constructor(
    readonly paths: ProjectPaths,
    readonly db: Database,
  ) {}

  get dir(): string {
    return this.paths.dir;
  }

  /** Name and counts for the UI and `project info`. */
  info(): ProjectInfo {
    const meta = Object.fromEntries(
      (this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
    );
    const counts = this.db
      .prepare('SELECT (SELECT count(*) FROM albums) AS albumCount, (SELECT count(*) FROM photos) AS photoCount')
      .get() as { albumCount: number; photoCount: number };
    return {
      dir: this.dir,
      name: meta.name ?? basename(this.dir),
      schemaVersion: schemaVersion(this.db),
      albumCount: counts.albumCount,
      photoCount: counts.photoCount,
      createdAt: meta.createdAt ?? '',
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Creates a project in `dir` (created if missing; an existing folder must be empty so a
   * project never mixes with unrelated files).
   */
  static create(dirInput: string, name: string): Project {
    const dir = resolve(dirInput);
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new AppError('conflict', `${dir} exists and is not a folder`);
      if (existsSync(projectPaths(dir).database)) throw new AppError('conflict', `${dir} is already a Rig Studio project; open it instead`);
      if (readdirSync(dir).length > 0) throw new AppError('conflict', `${dir} is not empty; choose an empty or new folder for a project`);
    }
    const paths = projectPaths(dir);
    for (const d of [paths.dir, paths.blobs, paths.thumbs, paths.derived, paths.tmp]) mkdirSync(d, { recursive: true });
    const db = openDatabase(paths.database);
    db.transaction(() => {
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (@key, @value)');
      put.run({ key: 'app', value: appMarker });
      put.run({ key: 'name', value: name });
      put.run({ key: 'createdAt', value: now() });
    })();
    return new Project(paths, db);
  }

  /**
   * Opens an existing project, migrating its schema. A folder that is not a project, or one
   * written by a newer Rig Studio, gives an error saying so (the file is left untouched).
   */
  static open(dirInput: string): Project {
    const dir = resolve(dirInput);
    if (!existsSync(dir)) throw new AppError('not-found', `${dir}: no such folder`);
    if (!statSync(dir).isDirectory()) throw new AppError('conflict', `${dir} is a file, not a project folder`);
    const paths = projectPaths(dir);
    if (!existsSync(paths.database)) {
      throw new AppError('conflict', `${dir} is not a Rig Studio project (it has no ${databaseFileName}); create a project there instead`);
    }
    let db: Database;
    try {
      db = openDatabase(paths.database, {
        beforeMigrate: (raw) => {
          if (schemaVersion(raw) === 0) throw new AppError('conflict', `${paths.database} is not a Rig Studio project database (no schema)`);
        },
      });
    } catch (e) {
      if (e instanceof SchemaTooNewError) throw new AppError('conflict', e.message);
      if (e instanceof AppError) throw e;
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new AppError('conflict', `${paths.database} is not a Rig Studio project database (${(e as Error).message})`);
      }
      throw e;
    }
    const marker = db.prepare("SELECT value FROM meta WHERE key = 'app'").get() as { value: string } | undefined;
    if (marker?.value !== appMarker) {
      db.close();
      throw new AppError('conflict', `${paths.database} is a SQLite file but not a Rig Studio project`);
    }
    for (const d of [paths.blobs, paths.thumbs, paths.derived, paths.tmp]) mkdirSync(d, { recursive: true });
    return new Project(paths, db);
  }

  /** True when `dir` holds a project database (used for the recent list). */
  static isProject(dir: string): boolean {
    return existsSync(projectPaths(resolve(dir)).database);
  }
}
