import { describe, expect, it } from 'vitest';
import { clientPort } from './client-port.js';

const req = (header: string | string[] | undefined) => ({ headers: header === undefined ? {} : { 'x-client-port': header }, socket: { remotePort: 40000 } }) as Parameters<typeof clientPort>[0];

describe('clientPort', () => {
  it('takes X-Client-Port only behind a trusted proxy', () => {
    expect(clientPort(req('5060'), true)).toBe(5060);
    expect(clientPort(req('5060'), false)).toBe(40000);
    expect(clientPort(req(undefined), true)).toBe(40000);
  });

  it('falls back to the socket’s port when the header is not one port number', () => {
    for (const bad of ['', ' 80', '65536', '99999', '-1', '1e3', '0x50', '80.5', '80,81', 'http']) expect(clientPort(req(bad), true)).toBe(40000);
    expect(clientPort(req(['80', '81']), true)).toBe(40000);
    expect(clientPort(req('0'), true)).toBe(0);
    expect(clientPort(req('65535'), true)).toBe(65535);
  });
});
