/** The demo project's name (src/main/app/demo.ts): the first-start guide is shown there. */
export const demoProjectName = 'Rig Studio demo';

/** Browser-storage key that remembers the guide was dismissed for a project. */
export function guideDismissedKey(projectDir: string): string {
  return `rig-studio.guide-dismissed:${projectDir}`;
}

/** Whether a project gets the first-start guide (the demo, where a newcomer starts). */
export function showsGuide(project: { name: string }): boolean {
  return project.name === demoProjectName;
}
