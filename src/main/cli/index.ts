// Entry of the CLI bundle (out/main/cli.js): `rig-studio ...`, `npm run cli -- ...`, `npm run serve`.
import { main } from './main';

main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
}).then(
  (code) => {
    // A command that keeps serving holds the event loop open itself.
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`rig-studio: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
