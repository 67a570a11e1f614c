import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src/main/library/atomicFile';
import { tempDir } from './fixtures';

describe('atomic writes', () => {
  it('write text, bytes or chunks into new folders, replace what was there and leave no partial file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const target = join(dir, 'a', 'b', 'settings.json');
      writeFileAtomicSync(target, '{"x":1}');
      expect(readFileSync(target, 'utf8')).toBe('{"x":1}');
      writeFileAtomicSync(target, new Uint8Array([52, 50]));
      expect(readFileSync(target, 'utf8')).toBe('42');
      await writeFileAtomic(target, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])]);
      expect([...readFileSync(target)]).toEqual([1, 2, 3]);
      expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['settings.json']);
      writeFileAtomicSync(join(dir, 'c', 'image.png'), new Uint8Array([9]), join(dir, 'tmp'));
      expect([...readFileSync(join(dir, 'c', 'image.png'))]).toEqual([9]);
      expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
