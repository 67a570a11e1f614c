import { describe, expect, it } from 'vitest';
import { parseYaml, yamlGet } from '../../../src/main/estimate/yaml';

describe('YAML subset reader', () => {
  it('reads nested maps, lists, flow lists, scalars and comments', () => {
    const doc = parseYaml(`# top
model:
  name: "ExpDECA"   # quoted
  flag: True
  off: false
  n: 50
  lr: 1.0e-4
  none: null
  path: /a/b:c
  list:
  - 1
  - two
  objs:
    - a: 1
      b: x
    - a: 2
  flow: [1, 'x, y', 3]
empty:
`, 'cfg.yaml');
    expect(yamlGet(doc, 'model.name')).toBe('ExpDECA');
    expect(yamlGet(doc, 'model.flag')).toBe(true);
    expect(yamlGet(doc, 'model.off')).toBe(false);
    expect(yamlGet(doc, 'model.n')).toBe(50);
    expect(yamlGet(doc, 'model.lr')).toBeCloseTo(1e-4, 12);
    expect(yamlGet(doc, 'model.none')).toBeNull();
    expect(yamlGet(doc, 'model.path')).toBe('/a/b:c');
    expect(yamlGet(doc, 'model.list')).toEqual([1, 'two']);
    expect(yamlGet(doc, 'model.objs')).toEqual([{ a: 1, b: 'x' }, { a: 2 }]);
    expect(yamlGet(doc, 'model.flow')).toEqual([1, 'x, y', 3]);
    expect(yamlGet(doc, 'empty')).toBeNull();
    expect(yamlGet(doc, 'model.missing')).toBeUndefined();
  });

  it('names the file and line of what it cannot read', () => {
    expect(() => parseYaml('a: 1\n  b: 2\n', 'x.yaml')).toThrow(/x\.yaml:2/);
    expect(() => parseYaml('a: {b: 1}\n', 'x.yaml')).toThrow(/x\.yaml:1: flow mappings/);
    expect(() => parseYaml('just text\n', 'x.yaml')).toThrow(/x\.yaml:1: expected 'key: value'/);
  });
});
