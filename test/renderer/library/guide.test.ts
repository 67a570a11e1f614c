import { describe, expect, it } from 'vitest';
import { demoProjectName, guideDismissedKey, showsGuide } from '../../../src/renderer/src/library/guide';

describe('first-start guide', () => {
  it('is shown on the demo project (the name the backend gives it), dismissed per project', () => {
    // src/main/app/demo.ts names the demo project so; e2e/first-hour.spec.ts sees the guide there
    expect(demoProjectName).toBe('Rig Studio demo');
    expect(showsGuide({ name: demoProjectName })).toBe(true);
    expect(showsGuide({ name: 'My study' })).toBe(false);
    expect(guideDismissedKey('/a')).not.toBe(guideDismissedKey('/b'));
  });
});
