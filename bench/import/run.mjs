// bench/import: how fast the real app imports photos, how much memory it takes, and how fast
// the photo grid's page query answers at 10,000 photos. Every number is printed next to a
// reference measured in the same run on the same machine, as a ratio; nothing is asserted.
//
//   npx electron-vite build && npx node bench/import/run.mjs [--photos 500] [--grid 10000]
//
// The app is measured as users run it: the built CLI (`import`, `serve`) in a child process.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('bench/import needs the build: run `npx electron-vite build` first');
  process.exit(1);
}
const { values } = parseArgs({ options: { photos: { type: 'string', default: '500' }, grid: { type: 'string', default: '10000' } } });
const photoCount = Number(values.photos);
const gridCount = Number(values.grid);
const work = mkdtempSync(join(tmpdir(), 'rig-bench-import-'));
const env = { ...process.env, RIG_STUDIO_DATA_DIR: join(work, 'data') };

/** Runs the CLI; resolves with stdout, wall time and the peak RSS of the process (Linux /proc). */
function runCli(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // not Linux, or the process just ended
      }
    }, 20);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`rig-studio ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ stdout, seconds, peakMb: peakKb / 1024 });
    });
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function makePhotos(dir, n) {
  mkdirSync(dir, { recursive: true });
  const width = 1024;
  const height = 768;
  for (let i = 0; i < n; i++) {
    const data = Buffer.alloc(width * height * 3);
    for (let p = 0; p < data.length; p += 3) {
      const x = (p / 3) % width;
      const y = Math.floor(p / 3 / width);
      data[p] = (x + i * 7) & 255;
      data[p + 1] = (y + i * 13) & 255;
      data[p + 2] = ((x ^ y) + i) & 255;
    }
    // A block that encodes i itself, so no two photos share bytes (the colours repeat every 256).
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        data[(y * width + x) * 3] = (i >> 8) * 40;
        data[(y * width + x) * 3 + 1] = i & 255;
      }
    }
    await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(dir, `photo${String(i).padStart(4, '0')}.jpg`));
  }
}

/** Reference: what sharp alone does per photo (read, decode, rotate, 256-px WebP), same concurrency as the app's pool. */
async function bareThumbnails(dir, n, concurrency) {
  const files = Array.from({ length: n }, (_, i) => join(dir, `photo${String(i).padStart(4, '0')}.jpg`));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const data = readFileSync(files[next++]);
        await sharp(data).rotate().resize(256, 256, { fit: 'inside' }).webp({ quality: 80 }).toBuffer();
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

function post(port, token, channel, params) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(params);
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/api/call/${channel}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ ms: performance.now() - started, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  console.log(`bench/import — node ${process.version}, ${availableParallelism()} cores, ${photoCount} photos, grid at ${gridCount} photos`);
  const photos = join(work, 'photos');
  await makePhotos(photos, photoCount);

  // 1. Import throughput and peak memory of the real CLI.
  const project = join(work, 'project');
  await runCli(['project', 'create', project]);
  const imported = await runCli(['import', '--project', project, '--album', 'Bench', '--create-album', '--json', photos]);
  const summary = JSON.parse(imported.stdout);
  if (summary.imported !== photoCount) throw new Error(`expected ${photoCount} imported, got ${summary.message}`);
  const appRate = photoCount / imported.seconds;
  const poolSize = Math.max(1, Math.min(4, availableParallelism()));
  const bareRate = await bareThumbnails(photos, photoCount, poolSize);
  console.log(`import: ${appRate.toFixed(1)} photos/s (wall time incl. process start), peak RSS ${imported.peakMb.toFixed(0)} MB`);
  console.log(`  reference: bare sharp read+decode+256-px thumbnail ${bareRate.toFixed(1)} photos/s (concurrency ${poolSize})`);
  console.log(`  ratio app / reference: ${(appRate / bareRate).toFixed(2)}`);

  // 2. The grid's page query at gridCount photos (rows added directly: the query never reads files).
  const gridProject = join(work, 'grid');
  await runCli(['project', 'create', gridProject]);
  await runCli(['album', 'create', '--project', gridProject, 'Grid']);
  const db = new Database(join(gridProject, 'project.sqlite'));
  db.transaction(() => {
    const blob = db.prepare("INSERT INTO blobs (hash, bytes, format, width, height, createdAt) VALUES (?, 1000, 'jpeg', 1024, 768, 't')");
    const photo = db.prepare("INSERT INTO photos (albumId, hash, fileName, sourcePath, importedAt) VALUES (1, ?, ?, '/x', 't')");
    for (let i = 0; i < gridCount; i++) {
      const hash = randomBytes(32).toString('hex');
      blob.run(hash);
      photo.run(hash, `p${i}.jpg`);
    }
  })();
  const pageSize = 200;
  const offsets = Array.from({ length: 60 }, (_, i) => Math.floor((i / 60) * (gridCount - pageSize)));
  const bare = db.prepare('SELECT id, hash FROM photos WHERE albumId = 1 ORDER BY id LIMIT ? OFFSET ?');
  const bareTimes = offsets.map((o) => {
    const t = performance.now();
    bare.all(pageSize, o);
    return performance.now() - t;
  });
  db.close();

  const server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--project', gridProject], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    server.on('close', (code) => reject(new Error(`serve exited ${code}`)));
  });
  const [, port, token] = /:(\d+)\/\?token=([\w-]+)$/.exec(line);
  const pageTimes = [];
  const floorTimes = [];
  for (const o of offsets) {
    const page = await post(port, token, 'photo.list', [{ albumId: 1, offset: o, limit: pageSize }]);
    if (page.json.result.items.length !== pageSize || page.json.result.total !== gridCount) throw new Error('unexpected page');
    pageTimes.push(page.ms);
    floorTimes.push((await post(port, token, 'app.info', [])).ms);
  }
  server.kill('SIGTERM');
  const page = median(pageTimes);
  const floor = median(floorTimes);
  const bareMedian = median(bareTimes);
  console.log(`grid page (${pageSize} photos of ${gridCount}) over serve mode: median ${page.toFixed(2)} ms`);
  console.log(`  reference: same transport, trivial call (app.info) median ${floor.toFixed(2)} ms; bare indexed SELECT in-process median ${bareMedian.toFixed(3)} ms`);
  console.log(`  ratio page / trivial call: ${(page / floor).toFixed(2)}; query share above transport ${(page - floor).toFixed(2)} ms = ${((page - floor) / bareMedian).toFixed(1)}× the bare SELECT`);
  writeFileSync(join(work, 'done'), '');
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
