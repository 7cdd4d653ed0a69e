/**
 * Claro SMV clients move over by changing the host: Claro's own bash (curl) and Python (requests)
 * samples run unchanged against a Verity server on loopback, with the device put online at
 * ip:port by the virtual phone on the simulated operator.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);
const MSISDN = '5511987654321';
const IP = '198.51.100.7';
const PORT = 40001;
const CLIENTS = join(import.meta.dirname, 'clients');

describe('Claro SMV compat API', () => {
  let t: TestApp;
  let base: string;
  let key: string;
  let secret: string;
  const dir = mkdtempSync(join(tmpdir(), 'verity-claro-'));
  const seconds = () => Math.floor(t.clock.now() / 1000);

  beforeAll(async () => {
    t = await startTestApp(SQLITE);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const c = await t.post('/v1/compat/credentials', { vendor: 'claro' });
    expect(c.status).toBe(201);
    ({ login: key, secret } = c.body as { login: string; secret: string });
    expect((await t.post(`/v1/sandbox/phones/%2B${MSISDN}/online`, { ip: IP, port: PORT })).status).toBe(204);
  });
  afterAll(async () => t?.close());

  /** The sample with the host and the placeholders filled in, as a user would edit it. */
  function sample(file: string, values: { msisdn?: string; ip?: string; secret?: string; timestamp?: number }): string {
    const v = { msisdn: MSISDN, ip: IP, secret, timestamp: seconds(), ...values };
    const text = readFileSync(join(CLIENTS, file), 'utf8')
      .replaceAll('https://api.claro.com.br', base)
      .replace(/^(\s*)(key|KEY)\s*=\s*"?X+"?/m, (_m, sp: string, name: string) => `${sp}${name}=${name === 'KEY' ? `"${key}"` : key}`)
      .replace(/^(\s*)(secret|SECRET)\s*=\s*"?X+"?/m, (_m, sp: string, name: string) => `${sp}${name}=${name === 'SECRET' ? `"${v.secret}"` : v.secret}`)
      .replace(/^(\s*msisdn\s*=\s*)"X+"/m, `$1"${v.msisdn}"`)
      .replace(/^(\s*ip\s*=\s*)"X{3}\.X{3}\.X{3}\.X{3}"/m, `$1"${v.ip}"`)
      .replace(/^(\s*port\s*=\s*)X+/m, `$1${PORT}`)
      .replace(/^(\s*timestamp\s*=\s*)X+/m, `$1${v.timestamp}`);
    expect(text).not.toMatch(/XXX/);
    const path = join(dir, file);
    writeFileSync(path, text);
    return path;
  }

  it('the bash sample finds the token at field 36 and the device is connected', async () => {
    const { stdout } = await run('bash', [sample('claro-smv.sh', {})], { cwd: dir });
    const [token, body] = stdout.trim().split('\n');
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.parse(body ?? '')).toEqual({ data: { msisdn: MSISDN, status: 'CONNECTED' } });
  });

  it('the Python sample prints the connected device, and the errors it knows', async () => {
    const py = async (values: Parameters<typeof sample>[1]) => (await run('python3', [sample('claro-smv.py', values)])).stdout.trim();
    expect(await py({})).toBe(`Mobile {"data":{"msisdn":"${MSISDN}","status":"CONNECTED"}}`);
    expect(await py({ msisdn: '5511912345678' })).toBe('Erro: 404');
    expect(await py({ ip: '203.0.113.9' })).toBe('Erro: 418');
    expect(await py({ secret: 'wrong-secret-000' })).toBe('Erro: 401');
    expect(await py({ timestamp: seconds() - 3600 })).toBe('Erro: 404');
    await t.post(`/v1/sandbox/phones/%2B${MSISDN}/offline`);
    try {
      expect(await py({})).toBe('Erro: 202');
    } finally {
      await t.post(`/v1/sandbox/phones/%2B${MSISDN}/online`, { ip: IP, port: PORT });
    }
  });

  describe('what the other samples send, and the errors', () => {
    let token: string;
    beforeAll(async () => {
      const r = await fetch(`${base}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-client-auth': `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      const text = await r.text();
      expect(text.split('"')[35]).toBe((JSON.parse(text) as { access_token: string }).access_token);
      expect(JSON.parse(text)).toMatchObject({ token_type: 'BearerToken', client_id: key, expires_in: '3599', status: 'approved' });
      token = (JSON.parse(text) as { access_token: string }).access_token;
    });
    const smvs = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/identity/v1/mobileidentities/smvs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-auth': `Bearer ${token}`, 'X-CustomerID': 'claro', ...headers },
        body,
      });

    it('reads the PHP sample’s unquoted number and address, which are not JSON', async () => {
      const r = await smvs(`{"data": {"msisdn": ${MSISDN},"ip": ${IP},"port": ${PORT},"timestamp": ${seconds()}}}`);
      expect(r.status).toBe(200);
    });

    it('reads the Java sample’s float timestamp, within the tolerance', async () => {
      const java = Math.fround(seconds()).toExponential(8).replace('e+', 'E');
      const r = await smvs(`{"data":{"msisdn":"${MSISDN}","ip":"${IP}","port":${PORT},"timestamp":${java}}}`);
      expect(r.status).toBe(200);
    });

    it('matches the device’s port only inside the port block its address gave it (1024 ports, as CGNAT hands out)', async () => {
      const ask = async (port: number | undefined) => (await smvs(JSON.stringify({ data: { msisdn: MSISDN, ip: IP, ...(port === undefined ? {} : { port }), timestamp: seconds() } }))).status;
      // PORT 40001 lies in 39936-40959.
      for (const port of [PORT, 39936, 40959]) expect(await ask(port), `port ${port}`).toBe(200);
      for (const port of [40960, 39935, 443]) expect(await ask(port), `port ${port}`).toBe(404);
      // The address alone is shared by every subscriber behind it: it singles out nobody.
      expect(await ask(undefined)).toBe(404);
    });

    it('answers Claro’s statuses with Apigee bodies for what it refuses', async () => {
      const ok = JSON.stringify({ data: { msisdn: MSISDN, ip: IP, port: PORT, timestamp: seconds() } });
      expect((await smvs(ok, { 'X-CustomerID': 'someone' })).status).toBe(403);
      const bad = await smvs(ok, { 'x-client-auth': 'Bearer forged.token.value' });
      expect([bad.status, ((await bad.json()) as { fault: { faultstring: string } }).fault.faultstring]).toEqual([401, 'Invalid Access Token']);
      expect((await smvs('{"data": {"ip": "1.2.3.4"}}')).status).toBe(400);
      expect((await smvs('not json')).status).toBe(400);
      const grant = await fetch(`${base}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'x-client-auth': `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` },
        body: 'grant_type=password',
      });
      expect([grant.status, await grant.json()]).toEqual([400, { ErrorCode: 'invalid_request', Error: 'Unsupported grant type : password' }]);
      const none = await fetch(`${base}/oauth2/v1/token`, { method: 'POST', body: 'grant_type=client_credentials' });
      expect(none.status).toBe(400);
    });
  });
});
