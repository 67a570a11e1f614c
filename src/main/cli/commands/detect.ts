import { InProcessEngine } from '../../engine/client';
import { coreTasks } from '../../engine/coreTasks';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';

const round = (v: number) => Math.round(v * 100) / 100;

/** `rig-studio detect IMAGE [--json]`: faces, 68 landmarks and emotion, in image pixels. */
export const detectCommand: Command = {
  name: ['detect'],
  summary: 'Detect faces in an image: box, score, 68 iBUG landmarks and emotion probabilities.',
  usage: 'IMAGE [--json] [--min-score S]',
  options: { json: { type: 'boolean' }, 'min-score': { type: 'string' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length !== 1) throw new UsageError('give exactly one image file');
    const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
    if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) throw new UsageError('--min-score must be a number in [0, 1]');
    // the compute host's own handler, on this thread: a one-shot command has nothing else to keep
    // responsive, so a host thread would only add its start-up (CPU: the detector models are small)
    const engine = new InProcessEngine(coreTasks, { backend: { providers: ['cpu'] } });
    try {
      const image = await engine.request('detectFaces', { imagePath: positionals[0], minScore });
      const faces = image.faces.map(({ box, score, landmarks68, emotion }) => ({
        box: box.map(round),
        score: Math.round(score * 1e4) / 1e4,
        landmarks68: landmarks68.map(([x, y]) => [round(x), round(y)]),
        emotion: Object.fromEntries(Object.entries(emotion).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4])),
      }));
      if (values.json) io.out(JSON.stringify({ faces }));
      else {
        io.out(`${positionals[0]}: ${image.width}×${image.height}, ${faces.length} face${faces.length === 1 ? '' : 's'}`);
        faces.forEach((f, i) => {
          const top = Object.entries(f.emotion).sort((a, b) => b[1] - a[1])[0];
          io.out(`  face ${i + 1}: box [${f.box.join(', ')}] score ${f.score.toFixed(3)}, looks ${top[0]} (${(top[1] * 100).toFixed(0)}%)`);
        });
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
