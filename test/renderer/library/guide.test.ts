import { describe, expect, it } from 'vitest';
import { demoAlbumName, demoProjectName, guideDismissedKey, showsGuide } from '../../../src/renderer/src/library/guide';

describe('first-start guide', () => {
  it('is shown on the demo project (the name the backend gives it), dismissed per project', () => {
    // src/main/app/demo.ts names the demo project so; e2e/first-hour.spec.ts sees the guide there
    expect(demoProjectName).toBe('Rig Studio demo');
    expect(demoAlbumName).toBe('Demo'); // src/main/app/demo/photos.ts's demoAlbumName
    expect(showsGuide({ name: demoProjectName }, { name: demoAlbumName })).toBe(true);
    // only on the demo album: an album the researcher adds to the demo project is theirs
    expect(showsGuide({ name: demoProjectName }, { name: 'My photos' })).toBe(false);
    expect(showsGuide({ name: 'My study' }, { name: demoAlbumName })).toBe(false);
    expect(guideDismissedKey('/a')).not.toBe(guideDismissedKey('/b'));
  });
});
