import { describe, expect, it } from 'vitest';
import { entryIcon, lastDirKey, matchesKinds, startDir } from '../../../src/renderer/src/components/fileKinds';

describe('file browser kinds', () => {
  it('filters to the kinds asked for, case-insensitively; no kinds means any file', () => {
    expect(matchesKinds('model000000.pt', ['checkpoint'])).toBe(true);
    expect(matchesKinds('EMA.SAFETENSORS', ['checkpoint'])).toBe(true);
    expect(matchesKinds('face.jpg', ['checkpoint'])).toBe(false);
    expect(matchesKinds('face.JPG', ['photo'])).toBe(true);
    expect(matchesKinds('notes.txt', [])).toBe(true);
  });
  it('gives folders, photos and model files their own icon', () => {
    expect(entryIcon({ kind: 'dir', name: 'a.pt' })).toBe('folder');
    expect(entryIcon({ kind: 'file', name: 'a.png' })).toBe('image');
    expect(entryIcon({ kind: 'file', name: 'a.pt' })).toBe('model');
    expect(entryIcon({ kind: 'file', name: 'a.txt' })).toBe('file');
  });
  it('starts where the user last was for this purpose, then anywhere, then the server default', () => {
    const store = new Map([[lastDirKey('checkpoints'), '/runs'], [lastDirKey('any'), '/photos']]);
    const read = (k: string) => store.get(k) ?? null;
    expect(startDir('/given', read, 'checkpoints')).toBe('/given');
    expect(startDir(undefined, read, 'checkpoints')).toBe('/runs');
    expect(startDir(undefined, read, 'photos')).toBe('/photos');
    expect(startDir(undefined, () => null, 'photos')).toBeUndefined();
  });
});
