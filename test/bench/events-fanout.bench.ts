/**
 * `make bench`, events part: one event fanned out to 10,000 SSE streams spread over three BFF
 * replicas (`node dist/server/main.js`, one redis-server, REDIS_URL), as `make run-cluster` runs
 * them. Each round publishes one event on one replica (in turn) and times, per stream, from just
 * before the publish request to the moment the event's bytes are read on that stream; reports
 * p50/p99/max over every delivery, and the replicas' resident memory (RSS, and its peak).
 * The streams are raw sockets in this process (so its own event loop is part of the latency it
 * measures); the replicas and Redis run in their own processes.
 * Prints a table and saves bench/results/events-fanout.json. Timings are reported, never asserted.
 *
 * Run: npx tsx test/bench/events-fanout.bench.ts   (BENCH_STREAMS=n, BENCH_ROUNDS=n)
 * Needs dist/ (make server) and redis-server (make servers).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startLocalRedis } from '../../src/demo/cluster/redis.js';
import { startReplica, type Replica } from '../../src/demo/cluster/replica.js';
import { devLogin } from './bench-process.js';
import { printGoals, saveJson } from './report.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const REPLICAS = 3;
const PER_SESSION = 1000; // SSE_MAX_STREAMS at most
const TOKEN = 'bench-publish-token-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

interface Stream {
  socket: net.Socket;
  /** Per round, ms from just before the publish to the event's arrival (NaN: not yet). */
  arrivals: Float64Array;
  events: number;
}

let round = -1;
let roundStart = 0;

/** Opens one stream as a raw socket; resolves once the 200 head arrived. */
function openStream(port: number, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { socket: net.connect(port, '127.0.0.1'), arrivals: new Float64Array(ROUNDS).fill(Number.NaN), events: 0 };
    let head = true;
    stream.socket.setNoDelay(true);
    stream.socket.once('connect', () => {
      stream.socket.write(`GET /events/stream?topics=orders HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-Plugin-Id: orders\r\nAccept: text/event-stream\r\n\r\n`);
    });
    stream.socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (head) {
        head = false;
        if (!text.startsWith('HTTP/1.1 200')) {
          reject(new Error(`stream refused: ${text.split('\r\n')[0]}`));
          stream.socket.destroy();
          return;
        }
        resolve(stream);
      }
      if (round >= 0 && text.includes('event: message')) {
        stream.events += 1;
        if (Number.isNaN(stream.arrivals[round] as number)) stream.arrivals[round] = performance.now() - roundStart;
      }
    });
    stream.socket.once('error', reject);
  });
}

async function publish(port: number, n: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/events/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'localhost', topic: 'orders.updated', data: { orderId: `bench-${n}`, status: 'shipped' } }),
  });
  return res.status;
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main(): Promise<void> {
  const redis = await startLocalRedis(await freePort());
  // No OpenID provider: the streams' sessions come from the development sign-in.
  const dir = await mkdtemp(path.join(tmpdir(), 'xp-bench-events-'));
  const identity = path.join(dir, 'identity.yaml');
  await writeFile(identity, 'tenants: {}\n');
  const upstream = `http://127.0.0.1:${await freePort()}`; // closed: no plugin call is made
  const replicas: Replica[] = [];
  const streams: Stream[] = [];
  let finished = false;
  try {
    for (let i = 0; i < REPLICAS; i++) {
      replicas.push(
        await startReplica({
          name: `bff${i + 1}`,
          main: 'dist/server/main.js',
          log: (line) => {
            if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`${line}\n`);
          },
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'development',
            DEV_LOGIN: 'true',
            HOST: '127.0.0.1',
            PORT: '0',
            METRICS_PORT: 'off',
            // info: the replica's "BFF listening" line is how its port is learnt (only errors are shown).
            LOG_LEVEL: 'info',
            IDENTITY_CONFIG: identity,
            REDIS_URL: redis.url,
            PUBLISH_TOKEN: TOKEN,
            UPSTREAM_URL: upstream,
            SESSION_KEYS: 'bench-session-key-0123456789abcdef0123456789',
            SSE_MAX_STREAMS: String(PER_SESSION),
          },
        }),
      );
    }
    for (const r of replicas) {
      void r.exited.then((code) => {
        if (!finished) console.error(`${r.name} exited (${code}) during the bench: ${r.stderr()}`);
      });
    }
    const idle = replicas.map((r) => memory(r.pid).rss);

    const opening = performance.now();
    for (const [i, r] of replicas.entries()) {
      const count = Math.floor(STREAMS / REPLICAS) + (i < STREAMS % REPLICAS ? 1 : 0);
      for (let opened = 0, session = 0; opened < count; session++) {
        const cookie = await devLogin(r.port, `bench${i * 100 + session}`);
        const batch = Math.min(PER_SESSION, count - opened);
        for (let k = 0; k < batch; k += 250) {
          const n = Math.min(250, batch - k);
          streams.push(...(await Promise.all(Array.from({ length: n }, () => openStream(r.port, cookie)))));
        }
        opened += batch;
      }
    }
    const openMs = performance.now() - opening;
    console.log(`opened ${streams.length} streams over ${REPLICAS} replicas in ${Math.round(openMs)} ms`);
    await new Promise((r) => setTimeout(r, 1000));
    const open = replicas.map((r) => memory(r.pid).rss);

    // One warm-up event (not counted), then the rounds.
    if ((await publish(replicas[0]!.port, -1)) !== 202) throw new Error('publish refused');
    await new Promise((r) => setTimeout(r, 1000));
    for (const s of streams) s.events = 0;
    for (round = 0; round < ROUNDS; round++) {
      roundStart = performance.now();
      const status = await publish(replicas[round % REPLICAS]!.port, round);
      if (status !== 202) throw new Error(`publish answered ${status}`);
      const deadline = performance.now() + 10_000;
      while (streams.some((s) => Number.isNaN(s.arrivals[round] as number)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 500));
    }
    round = -1;
    const after = replicas.map((r) => memory(r.pid));
    const missing = streams.reduce((n, s) => n + s.arrivals.filter(Number.isNaN).length, 0);
    const extra = streams.reduce((n, s) => n + Math.max(0, s.events - ROUNDS), 0);
    const all = Float64Array.from(streams.flatMap((s) => [...s.arrivals].filter((x) => !Number.isNaN(x)))).sort();
    const perRoundMax = Array.from({ length: ROUNDS }, (_, r) => Math.max(...streams.map((s) => s.arrivals[r] as number)));
    const totalRss = after.reduce((n, m) => n + m.rss, 0);
    const totalPeak = after.reduce((n, m) => n + m.peak, 0);
    const redisPid = Number(/^process_id:(\d+)/m.exec(await redisInfo(redis.url))?.[1]);
    const redisRss = Number.isFinite(redisPid) ? memory(redisPid).rss : Number.NaN;
    const result = {
      streams: streams.length,
      replicas: REPLICAS,
      rounds: ROUNDS,
      deliveries: all.length,
      missing,
      duplicates: extra,
      openMs: Math.round(openMs),
      latencyMs: { p50: percentile(all, 50), p99: percentile(all, 99), max: all[all.length - 1], perRoundMax },
      rssMiB: { idlePerReplica: idle.map(mib), openPerReplica: open.map(mib), afterPerReplica: after.map((m) => mib(m.rss)), peakPerReplica: after.map((m) => mib(m.peak)), total: mib(totalRss), totalPeak: mib(totalPeak), redis: mib(redisRss), benchClient: mib(process.memoryUsage().rss) },
    };

    console.log(`\nEvents: one event to ${streams.length} streams over ${REPLICAS} replicas, ${ROUNDS} rounds\n`);
    console.log('| measure | value |');
    console.log('|---|--:|');
    console.log(`| deliveries (missing, duplicates) | ${all.length} (${missing}, ${extra}) |`);
    console.log(`| delivery latency p50 / p99 / max | ${result.latencyMs.p50.toFixed(1)} / ${result.latencyMs.p99.toFixed(1)} / ${(result.latencyMs.max ?? Number.NaN).toFixed(1)} ms |`);
    console.log(`| RSS of the replicas, total (peak) | ${mib(totalRss)} MiB (${mib(totalPeak)} MiB) |`);
    console.log(`| RSS per replica: idle / streams open / after | ${idle.map(mib).join(', ')} / ${open.map(mib).join(', ')} / ${after.map((m) => mib(m.rss)).join(', ')} MiB |`);
    console.log(`| Redis RSS | ${mib(redisRss)} MiB |`);
    console.log(`| opening the streams | ${Math.round(openMs)} ms |`);
    printGoals([
      { goal: 'every stream got every event, once', value: `${missing} missing, ${extra} extra`, met: missing === 0 && extra === 0 },
      { goal: 'p99 delivery latency < 250 ms', value: `${result.latencyMs.p99.toFixed(1)} ms`, met: result.latencyMs.p99 < 250 },
      { goal: 'total RSS of the replicas < 1 GiB', value: `${mib(totalPeak)} MiB at peak`, met: totalPeak < 2 ** 30 },
    ]);
    await saveJson('bench/results/events-fanout.json', result);
  } finally {
    finished = true;
    for (const s of streams) s.socket.destroy();
    await Promise.all(replicas.map((r) => r.stop()));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** INFO server over a raw socket (the bench needs Redis's pid only). */
function redisInfo(url: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let text = '';
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      text += d.toString();
      if (text.includes('process_id:') && text.endsWith('\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.once('error', () => resolve(''));
    setTimeout(() => {
      socket.destroy();
      resolve(text);
    }, 2000).unref();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
