// `npm run install-cuda`: fetches onnxruntime-node's CUDA execution provider (its CUDA 12 build,
// several hundred MB from NuGet, a host other than the npm registry). `npm install` does not run
// onnxruntime-node's own install script (package.json's allowScripts says no to it), so an install
// needs only the npm registry; GPU users run this once, on a machine with an NVIDIA driver,
// CUDA 12 and cuDNN 9. It runs onnxruntime-node's own installer, asking for the CUDA 12 files.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let ortDir;
try {
  ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
} catch {
  console.error('install-cuda: onnxruntime-node is not installed; run npm install first');
  process.exit(1);
}
console.log('install-cuda: fetching the CUDA 12 execution provider of onnxruntime-node (needs CUDA 12 and cuDNN 9 on the library path to run)...');
const result = spawnSync(process.execPath, [join(ortDir, 'script', 'install.js'), '--onnxruntime-node-install=cuda12'], { cwd: ortDir, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('install-cuda: the download failed (above). Rig Studio still runs: on the GPU through WebGPU, or on the CPU.');
  process.exit(result.status ?? 1);
}
console.log('install-cuda: done. The Models view\'s Engine panel shows whether CUDA now runs.');
