/**
 * `opa run --server` on a free loopback port with policy/ and a data document, for the
 * benchmarks' "OPA as a sidecar" rows; stopped by the bench that started it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request, type Agent } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPA_BIN } from '../support/opa.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface OpaServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** @param dataJson the whole data document, as the Wasm engine gets it (src/engine/reloader.ts). */
export async function startOpaServer(dataJson: string): Promise<OpaServer> {
  const dir = await mkdtemp(join(tmpdir(), 'xp-bench-opa-'));
  await writeFile(join(dir, 'data.json'), dataJson);
  const port = await freePort();
  const child = spawn(
    OPA_BIN,
    [
      'run',
      '--server',
      '--addr',
      `127.0.0.1:${port}`,
      '--log-level',
      'error',
      // Loopback only: no version check against GitHub.
      '--skip-version-check',
      '--ignore',
      '*_test.rego',
      '--ignore',
      'capabilities.json',
      'policy/',
      join(dir, 'data.json'),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { url, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error('opa run --server did not become healthy');
}

/** POSTs a JSON body over a keep-alive agent; resolves with the answer's text (any status). */
export function postJson(agent: Agent, url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}
