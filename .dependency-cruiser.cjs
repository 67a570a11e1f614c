// The layer order of src/ (docs/architecture.md, "Layers"), checked by dependency-cruiser:
// `npm run layers`, and one check of `npm test`. A module may import its own floor and the
// floors below it, never a floor above; and no import cycle anywhere in src/. Type-only imports
// count: a type from a higher floor ties the code to it just the same.
//
// Allowances: none. An exception would be a `pathNot` on the one rule it bends, with a comment
// saying why it is needed.

/** src/main, lowest floor first: each entry is one floor, the folders on it. */
const mainFloors = [
  ['core'],
  ['io', 'nn', 'db'],
  ['checkpoint', 'jobs'],
  ['library'],
  ['settings'],
  ['face', 'flame'],
  ['head'],
  ['models'],
  ['diffusion'],
  ['engine'],
  ['estimate', 'edit', 'train'],
  ['texture', 'viewport'],
  ['api', 'app', 'evaluate', 'server', 'electron', 'cli'],
];

/** src/renderer/src, lowest floor first. */
const rendererFloors = [
  ['api', 'hooks', 'styles'],
  ['providers', 'navigation'],
  ['components'],
  ['edit', 'estimate', 'jobs', 'library', 'models', 'projects', 'settings', 'train', 'viewport'],
  ['app'],
];

const folders = (root, names) => `^${root}/(${names.join('|')})/`;

/** One rule per floor: nothing on it imports a floor above it. */
function floorRules(side, root, floors, top) {
  return floors.slice(0, -1).map((floor, i) => {
    const higher = floors.slice(i + 1).flat();
    return {
      name: `${side}-${floor.join('-')}-not-up`,
      comment: `${root}/{${floor.join(',')}} may import only lower floors and its own (docs/architecture.md): not ${higher.join(', ')}`,
      severity: 'error',
      from: { path: folders(root, floor) },
      to: { path: [folders(root, higher), top] },
    };
  });
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere in src/: a cycle means two modules are one, split across files.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'common-is-shared',
      comment: 'src/common is what both sides share: it imports neither side (nor the preload bridge).',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/(main|renderer|preload)/' },
    },
    {
      name: 'renderer-only-common',
      comment: 'The React UI reaches the backend through the contract (src/common) and a transport, never by importing it.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(main|preload)/' },
    },
    {
      name: 'preload-only-common',
      comment: 'The preload script only bridges: it knows the contract, not the backend or the UI.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/(main|renderer)/' },
    },
    {
      name: 'main-not-renderer',
      comment: 'The Node side never imports the UI.',
      severity: 'error',
      from: { path: '^src/main/' },
      to: { path: '^src/(renderer|preload)/' },
    },
    // the entries (src/main/index.ts, src/renderer/src/main.tsx) sit above every floor
    ...floorRules('main', 'src/main', mainFloors, '^src/main/[^/]+$'),
    ...floorRules('renderer', 'src/renderer/src', rendererFloors, '^src/renderer/src/[^/]+$'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
  },
};
