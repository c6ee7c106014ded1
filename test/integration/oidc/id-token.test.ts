/**
 * ID tokens the BFF must refuse, from fake-token-endpoint (see its header for why a real
 * provider cannot produce them). Each row changes one thing of an otherwise valid token; the
 * first row shows the valid one is accepted, so every refusal is due to that one change.
 */
import { UnsecuredJWT, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBff, type TestBff } from '../support/bff.js';
import { TestBrowser } from './browser.js';
import { startFakeTokenEndpoint, type FakeTokenEndpoint, type TokenRequest } from './fake-token-endpoint.js';
import { identityYaml } from './support.js';

let fake: FakeTokenEndpoint;
let bff: TestBff;

beforeAll(async () => {
  fake = await startFakeTokenEndpoint({ clientId: 'bff-fake' });
  bff = await startBff({ FAKE_SECRET: fake.clientSecret }, {}, { identity: identityYaml({ tenant: 'localhost', issuer: fake.issuer, clientId: 'bff-fake', secretEnv: 'FAKE_SECRET' }) });
});
afterAll(async () => {
  await bff?.close();
  await fake?.close();
});

const now = () => Math.floor(Date.now() / 1000);

const CASES: Array<[string, (r: TokenRequest) => Promise<string>, number, string?]> = [
  ['a valid token (control)', (r) => fake.sign(r), 302],
  ['a wrong issuer', (r) => fake.sign(r, { iss: 'https://evil.example' }), 400, 'invalid_id_token'],
  ['the issuer with a trailing slash', (r) => fake.sign(r, { iss: `${r.issuer}/` }), 400, 'invalid_id_token'],
  ['a wrong audience', (r) => fake.sign(r, { aud: 'another-client' }), 400, 'invalid_id_token'],
  ['an extra untrusted audience without azp', (r) => fake.sign(r, { aud: ['bff-fake', 'another-client'] }), 400, 'invalid_id_token'],
  ['expired', (r) => fake.sign(r, { iat: now() - 3600, exp: now() - 1800 }), 400, 'invalid_id_token'],
  ['no exp', (r) => fake.sign(r, { exp: undefined }), 400, 'invalid_id_token'],
  ['a wrong nonce', (r) => fake.sign(r, { nonce: 'not-the-nonce' }), 400, 'invalid_id_token'],
  ['no nonce', (r) => fake.sign(r, { nonce: undefined }), 400, 'invalid_id_token'],
  ['alg none (unsigned)', async (r) => new UnsecuredJWT({ iss: r.issuer, aud: 'bff-fake', sub: 'user-1', preferred_username: 'alice', nonce: r.authorization.nonce, iat: now(), exp: now() + 300 }).encode(), 400, 'invalid_id_token'],
  ['HS256 keyed with the provider\'s public key', async (r) =>
    new SignJWT({ iss: r.issuer, aud: 'bff-fake', sub: 'user-1', preferred_username: 'alice', nonce: r.authorization.nonce, iat: now(), exp: now() + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'published' })
      .sign(new TextEncoder().encode(fake.publicPem)), 400, 'invalid_id_token'],
  ['signed with a key that is not in the JWKS', (r) => fake.sign(r, {}, { key: 'unknown' }), 400, 'invalid_id_token'],
  ['signed with another key under the published kid', (r) => fake.sign(r, {}, { key: 'unknown', kid: 'published' }), 400, 'invalid_id_token'],
  ['the payload altered after signing', async (r) => {
    const [h, , s] = (await fake.sign(r)).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: r.issuer, aud: 'bff-fake', sub: 'admin', preferred_username: 'admin', nonce: r.authorization.nonce, iat: now(), exp: now() + 300 })).toString('base64url');
    return `${h}.${forged}.${s}`;
  }, 400, 'invalid_id_token'],
  ['no user claim (preferred_username)', (r) => fake.sign(r, { preferred_username: undefined }), 400, 'invalid_user_claim'],
  ['a user claim the session cannot carry', (r) => fake.sign(r, { preferred_username: 'alice smith' }), 400, 'invalid_user_claim'],
];

describe('ID token checks', () => {
  it.each(CASES)('%s -> %i %s', async (_what, token, status, code) => {
    fake.idToken = token;
    const browser = new TestBrowser();
    const start = await browser.request(`${bff.url}/auth/login?returnTo=%2Fhello`);
    expect(start.status).toBe(302);
    const { stoppedAt } = await browser.follow(start.location!, (next) => next.includes('/auth/callback'));
    const res = await browser.request(stoppedAt!, { accept: 'application/json' });
    expect(res.status, res.body).toBe(status);
    if (code) {
      expect(JSON.parse(res.body)).toEqual({ code, message: expect.any(String) });
      expect(browser.cookie(bff.url, 'exp_session')).toBeUndefined();
    } else {
      expect(res.location).toBe(`${bff.url}/hello`);
      expect(browser.cookie(bff.url, 'exp_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('refused attempts are logged with their code, without the token', async () => {
    let issued = '';
    fake.idToken = async (r) => (issued = await fake.sign(r, { aud: 'another-client' }));
    const browser = new TestBrowser();
    const start = await browser.request(`${bff.url}/auth/login`);
    const { stoppedAt } = await browser.follow(start.location!, (next) => next.includes('/auth/callback'));
    expect((await browser.request(stoppedAt!)).status).toBe(400);
    expect(bff.logs().some((l) => l['event'] === 'callback' && l['outcome'] === 'failed' && l['code'] === 'invalid_id_token')).toBe(true);
    expect(issued.length).toBeGreaterThan(100);
    expect(bff.logText()).not.toContain(issued.split('.')[1]!.slice(0, 40));
    expect(bff.logText()).not.toContain(issued.split('.')[2]!.slice(0, 40));
  });
});
