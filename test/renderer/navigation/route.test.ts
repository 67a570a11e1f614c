import { describe, expect, it } from 'vitest';
import { formatRoute, parseHash } from '../../../src/renderer/src/navigation/route';

describe('hash routes', () => {
  it('parses the view and its path, defaulting to the first view', () => {
    expect(parseHash('', 'library')).toEqual({ view: 'library', path: [] });
    expect(parseHash('#/', 'library')).toEqual({ view: 'library', path: [] });
    expect(parseHash('#/library/12', 'library')).toEqual({ view: 'library', path: ['12'] });
  });

  it('round-trips segments that need escaping', () => {
    const hash = formatRoute('library', 'a b/c', 3);
    expect(hash).toBe('#/library/a%20b%2Fc/3');
    expect(parseHash(hash, 'x')).toEqual({ view: 'library', path: ['a b/c', '3'] });
  });
});
