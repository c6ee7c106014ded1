/**
 * Metrics belong to operators: served on their own listener (METRICS_PORT, 127.0.0.1 by
 * default, optionally behind METRICS_TOKEN), and a 404 on the public app like any unknown path
 * outside the shell.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type TestBff } from './support/bff.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const PROMETHEUS = /^text\/plain; version=0\.0\.4/;

function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

const portOf = (srv: Server) => (srv.address() as AddressInfo).port;
const close = (srv: Server) => new Promise<void>((resolve) => srv.close(() => resolve()));

describe('the public app', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startBff();
    // A file named like the endpoint in the web root must not be served either.
    await writeFile(path.join(bff.fixture.webRoot, 'metrics'), 'static metrics file\n');
  });
  afterAll(async () => {
    await bff?.close();
  });

  it.each([
    ['GET', '/metrics'],
    ['HEAD', '/metrics'],
    ['GET', '/metrics/'],
    ['GET', '/metrics/x'],
    ['GET', '/metrics?name[]=experience_config_revision'],
    ['POST', '/metrics'],
    ['GET', '/healthz/x'],
  ])('answers %s %s with a 404, never metrics or the shell', async (method, target) => {
    const res = await bff.http()[method === 'HEAD' ? 'head' : method === 'POST' ? 'post' : 'get'](target).set('Accept', 'text/html,*/*');
    expect(res.status).toBe(404);
    expect(res.headers['content-type'] ?? '').not.toMatch(/text\/(plain|html)/);
    if (method !== 'HEAD') expect(res.body).toEqual({ code: 'not_found', message: 'Not found' });
    expect(res.text ?? '').not.toMatch(/experience_|<!doctype|static metrics/i);
  });

  it('still serves the shell next to it', async () => {
    const res = await bff.http().get('/metrics-board');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>Experience</title>');
  });

  it('is on another port than the metrics, which listen on loopback only', async () => {
    const { metricsPort, metricsServer, port } = bff.running;
    expect(metricsPort).toEqual(expect.any(Number));
    expect(metricsPort).not.toBe(port);
    expect((metricsServer?.address() as AddressInfo).address).toBe('127.0.0.1');
  });
});

describe('the metrics listener', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startBff();
  });
  afterAll(async () => {
    await bff?.close();
  });

  it('serves Prometheus text that counts the public app\'s requests', async () => {
    await bff.http().get('/healthz');
    const res = await bff.metricsHttp().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(PROMETHEUS);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('experience_config_revision 1');
    expect(res.text).toMatch(/experience_http_requests_total\{route="healthz",status="200",outcome="completed"\} [1-9]/);
  });

  it.each([
    ['GET', '/', 404, 'not_found'],
    ['GET', '/healthz', 404, 'not_found'],
    ['GET', '/metrics/', 404, 'not_found'],
    ['GET', '/api/plugins/manifests', 404, 'not_found'],
    ['GET', '/readyz/', 404, 'not_found'],
    ['POST', '/metrics', 405, 'method_not_allowed'],
    ['DELETE', '/metrics', 405, 'method_not_allowed'],
    ['POST', '/readyz', 405, 'method_not_allowed'],
  ])('answers %s %s with %i %s and nothing else', async (method, target, status, code) => {
    const agent = bff.metricsHttp();
    const res = await (method === 'POST' ? agent.post(target) : method === 'DELETE' ? agent.delete(target) : agent.get(target));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ code, message: expect.any(String) });
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await bff.metricsHttp().head('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(PROMETHEUS);
  });
});

describe('METRICS_TOKEN', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startBff({ METRICS_TOKEN });
  });
  afterAll(async () => {
    await bff?.close();
  });

  it.each([
    ['no header', undefined],
    ['an empty bearer', 'Bearer '],
    ['a wrong token', 'Bearer metrics-token-0123456789abcdeX'],
    ['a prefix of the token', `Bearer ${METRICS_TOKEN.slice(0, -1)}`],
    ['the token without the scheme', METRICS_TOKEN],
    ['another scheme', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`],
  ])('refuses %s with 401 invalid_token', async (_what, authorization) => {
    const req = bff.metricsHttp().get('/metrics');
    const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 'invalid_token', message: 'A valid METRICS_TOKEN is required (the operators\' listener)' });
    expect(res.text).not.toContain('experience_');
  });

  it('serves the metrics with the token', async () => {
    const res = await bff.metricsHttp().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('experience_config_last_reload_ok 1');
  });

  it('never logs the token', async () => {
    await bff.metricsHttp().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(bff.logText()).not.toContain(METRICS_TOKEN);
  });
});

describe('startServer and the metrics listener', () => {
  it('METRICS_PORT=off: no metrics listener at all, and /metrics is still a 404 on the app', async () => {
    const bff = await startBff({ METRICS_PORT: 'off' });
    try {
      expect(bff.running.metricsPort).toBeUndefined();
      expect(bff.running.metricsServer).toBeUndefined();
      expect((await bff.http().get('/metrics')).status).toBe(404);
    } finally {
      await bff.close();
    }
  });

  it('closes the metrics listener on stop', async () => {
    const bff = await startBff();
    const port = bff.running.metricsPort;
    expect((await bff.metricsHttp().get('/metrics')).status).toBe(200);
    await bff.close();
    expect(bff.running.metricsServer?.listening).toBe(false);
    await expect(request(`http://127.0.0.1:${port}`).get('/metrics')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses to start when the metrics port is taken, and leaves the app port free', async () => {
    const taken = await occupy();
    const probe = await occupy();
    const appPort = portOf(probe);
    await close(probe);
    try {
      await expect(startBff({ PORT: String(appPort), METRICS_PORT: String(portOf(taken)) })).rejects.toThrow(/EADDRINUSE/);
      // The app's listener was closed again: the port can be taken.
      await close(await occupy(appPort));
    } finally {
      await close(taken);
    }
  });
});
