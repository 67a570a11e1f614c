import { createHandlers } from '../../api/handlers';
import { Backend } from '../../app/backend';
import { bundlePaths } from '../../app/bundlePaths';
import { openDemo } from '../../app/demo';
import { startServer } from '../../server/server';
import type { CliIo, Command } from '../command';
import { UsageError } from '../command';

export const serveCommand: Command = {
  name: ['serve'],
  summary:
    'Serve the Rig Studio UI to a browser (e.g. a headless GPU box driven from a laptop). Prints the URL with its access token; ' +
    'binds 127.0.0.1 unless --host is given (--host 0.0.0.0 exposes it to the network: anyone with the URL can use it). --port 0 picks a free port. ' +
    'Requests must name a served host (127.0.0.1, localhost, ::1, --host, or a name given with --allow-host, e.g. a reverse proxy\'s) and come from no other origin.',
  usage: '[--port N] [--host H] [--allow-host NAME[,NAME...]] [--project DIR | --demo]',
  options: { port: { type: 'string' }, host: { type: 'string' }, 'allow-host': { type: 'string' }, project: { type: 'string' }, demo: { type: 'boolean' } },
  async run({ values, positionals }, io: CliIo) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const port = values.port === undefined ? 8765 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a whole number from 0 to 65535');
    if (values.project && values.demo) throw new UsageError('give --project DIR or --demo, not both');
    const backend = new Backend({ mode: 'serve' });
    try {
      if (values.project) await backend.open(values.project as string);
      else if (values.demo) await openDemo(backend);
      const server = await startServer({
        backend,
        handlers: createHandlers(backend),
        host: (values.host as string | undefined) ?? '127.0.0.1',
        allowHosts: String(values['allow-host'] ?? '')
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
        port,
        rendererDir: bundlePaths().renderer,
      });
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await server.close();
        await backend.close(); // running jobs become 'interrupted', resumable next time
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      io.out(`serving at ${server.url}`);
      return 0;
    } catch (e) {
      await backend.close();
      if ((e as { code?: string }).code === 'EADDRINUSE') throw new Error(`port ${port} is already in use; pass --port N, or --port 0 for any free port`);
      throw e;
    }
  },
};
