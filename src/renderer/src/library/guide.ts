/** The demo project's name (src/main/app/demo.ts): the first-start guide is shown there. */
export const demoProjectName = 'Rig Studio demo';

/** Browser-storage key that remembers the guide was dismissed for a project. */
export function guideDismissedKey(projectDir: string): string {
  return `rig-studio.guide-dismissed:${projectDir}`;
}

/** The demo project's album of demo photos (src/main/app/demo/photos.ts): the guide's steps are about it. */
export const demoAlbumName = 'Demo';

/** Whether an album gets the first-start guide: the demo album of the demo project, where a newcomer starts, not the albums they add. */
export function showsGuide(project: { name: string }, album: { name: string }): boolean {
  return project.name === demoProjectName && album.name === demoAlbumName;
}
