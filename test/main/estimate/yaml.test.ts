import { describe, expect, it } from 'vitest';
import { parseYaml, yamlGet } from '../../../src/main/estimate/yaml';

describe('EMOCA cfg.yaml reader', () => {
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

  it('reads what Hydra-saved configs hold: flow mappings and sequences, anchors and aliases, multi-line strings', () => {
    const doc = parseYaml(`defaults: &defaults
  n_exp: 50
  exp_deca_jaw_pose: true
model:
  <<: *defaults
  expression_backbone: deca_clone
  resolutions: {train: [224, 224], test: [224, 224]}
  losses: [{name: landmark, weight: 1.0}, {name: photometric, weight: 2.0}]
  description: |
    EMOCA expression encoder,
    fine-tuned on AffectNet
  folded: >
    one
    line
learning:
  optimizer: *defaults
`, 'cfg.yaml');
    expect(yamlGet(doc, 'model.expression_backbone')).toBe('deca_clone');
    expect(yamlGet(doc, 'model.n_exp')).toBe(50);
    expect(yamlGet(doc, 'model.exp_deca_jaw_pose')).toBe(true);
    expect(yamlGet(doc, 'model.resolutions.train')).toEqual([224, 224]);
    expect(yamlGet(doc, 'model.losses')).toEqual([{ name: 'landmark', weight: 1 }, { name: 'photometric', weight: 2 }]);
    expect(yamlGet(doc, 'model.description')).toBe('EMOCA expression encoder,\nfine-tuned on AffectNet\n');
    expect(yamlGet(doc, 'model.folded')).toBe('one line\n');
    expect(yamlGet(doc, 'learning.optimizer.n_exp')).toBe(50);
  });

  it('names the file and line of what it cannot read', () => {
    // a value indented under a scalar: the mapping it breaks starts on line 1
    expect(() => parseYaml('a: 1\n  b: 2\n', 'x.yaml')).toThrow(/x\.yaml:1: Nested mappings/);
    expect(() => parseYaml('a: 1\nb: c: d\n', 'x.yaml')).toThrow(/x\.yaml:2/);
    expect(() => parseYaml('a: 1\na: 2\n', 'x.yaml')).toThrow(/x\.yaml:2: .*unique/i);
    expect(() => parseYaml('a: [1, 2\n', 'x.yaml')).toThrow(/x\.yaml:\d+/);
    expect(() => parseYaml('just text\n', 'x.yaml')).toThrow(/x\.yaml:1: expected 'key: value'/);
  });
});
