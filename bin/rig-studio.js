#!/usr/bin/env node
// The `rig-studio` command: runs the built CLI bundle (out/main/cli.js).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 14)) {
  process.stderr.write(`rig-studio needs Node >= 22.14 (this is ${process.version}); run it through npm (npm run cli -- ...), which uses the project's own Node.\n`);
  process.exit(1);
}
const bundle = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write('rig-studio is not built yet: run `npm run build` first.\n');
  process.exit(1);
}
require(bundle);
