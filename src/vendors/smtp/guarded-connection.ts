import type { Socket } from 'node:net';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { isBlockedAddress, type OutboundGuard } from '../../outbound/outbound-guard.js';

type GetSocket = NonNullable<SMTPPool.Options['getSocket']>;

/**
 * Nodemailer's `getSocket` hook, so that every SMTP connection is opened through the outbound
 * guard: nodemailer resolves names with its own resolver and connects to the address it finds,
 * which no lookup option can reach. The guard opens plain TCP to the configured host (the name
 * resolved and checked as the socket connects); nodemailer then speaks SMTP over it and does
 * TLS itself (implicit or STARTTLS), checking the certificate against the host name.
 *
 * Failures come back shaped as nodemailer's own (code ESOCKET or a connect timeout, the system
 * error kept as originalCode), so they read as before; a refused address stays BlockedAddressError.
 */
export function guardedConnection(host: string, port: number, connectTimeoutMs: number, guard: OutboundGuard): GetSocket {
  return (_options, callback) => {
    const socket: Socket = guard.socket(host, port);
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('error', onError);
      if (err) {
        socket.destroy();
        return callback(err, false);
      }
      callback(null, { connection: socket });
    };
    const onError = (err: Error & { code?: string; originalCode?: string }) => {
      if (isBlockedAddress(err)) return settle(err);
      settle(Object.assign(err, { originalCode: err.code, code: 'ESOCKET' }));
    };
    const timer = setTimeout(() => settle(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' })), connectTimeoutMs);
    socket.on('error', onError);
    socket.once('connect', () => settle(null));
  };
}
