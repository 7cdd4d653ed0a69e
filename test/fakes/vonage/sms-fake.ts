/**
 * The Vonage SMS API as documented at https://developer.vonage.com/en/api/sms: POST /sms/json
 * with api_key, api_secret, from, to (international, no +), text, type (text or unicode),
 * callback and client-ref, form-encoded. It answers 200 with `messages[]`, each with a `status`
 * ('0' sent) and `message-id` or `error-text`.
 */
import { randomBytes } from 'node:crypto';
import type { ReceivedMessage } from '../../contracts/message-provider-contract.js';
import { expectWire, RefusalQueue, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fake-server.js';

export interface VonageFake extends FakeServer {
  received: ReceivedMessage[];
  violations: string[];
  refuseNext(kind: 'permanent' | 'temporary'): void;
  replyNext(reply: FakeReply | 'hang'): void;
}

const FIELDS = new Set(['api_key', 'api_secret', 'from', 'to', 'text', 'type', 'callback', 'client-ref', 'status-report-req', 'ttl']);
// GSM 03.38 and its extension table, to catch non-GSM text sent as type=text (it would arrive garbled).
const GSM7 = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f');

export function vonageStatus(status: string, errorText: string): FakeReply {
  return { status: 200, json: { 'message-count': '1', messages: [{ status, 'error-text': errorText }] } };
}

export async function startVonageFake(apiKey: string, apiSecret: string): Promise<VonageFake> {
  const refusals = new RefusalQueue();
  const scripted: Array<FakeReply | 'hang'> = [];
  const received: ReceivedMessage[] = [];
  const violations: string[] = [];

  const handle = (req: SeenRequest): FakeReply | 'hang' => {
    if (req.path !== '/sms/json' || req.method !== 'POST') return { status: 404, json: { type: 'https://developer.nexmo.com/api-errors#not-found', title: 'Not Found' } };
    const next = scripted.shift();
    if (next) return next;
    try {
      expectWire(req.headers['content-type'] === 'application/x-www-form-urlencoded', `content-type ${req.headers['content-type']}`);
      const form = new URLSearchParams(req.body);
      for (const k of form.keys()) expectWire(FIELDS.has(k), `unexpected parameter ${k}`);
      if (form.get('api_key') !== apiKey || form.get('api_secret') !== apiSecret) return vonageStatus('4', 'Bad Credentials');
      const to = form.get('to') ?? '';
      const text = form.get('text') ?? '';
      expectWire(/^[1-9][0-9]{6,14}$/.test(to), 'to must be the international number without +');
      expectWire(form.has('from') && text !== '', 'from or text missing');
      const type = form.get('type') ?? 'text';
      expectWire(type === 'text' || type === 'unicode', `type ${type}`);
      expectWire(type === 'unicode' || [...text].every((c) => GSM7.has(c)), 'non-GSM text sent as type=text');
      const refusal = refusals.take();
      if (refusal === 'permanent') return vonageStatus('6', `Unroutable message - rejected (${to})`);
      if (refusal === 'temporary') return vonageStatus('1', 'Throughput Rate Exceeded - please wait [ 1000 ] and retry');
      received.push({ to: `+${to}`, text });
      return {
        status: 200,
        json: {
          'message-count': '1',
          messages: [
            {
              to,
              'message-id': randomBytes(8).toString('hex').toUpperCase(),
              status: '0',
              'remaining-balance': '3.14159265',
              'message-price': '0.03330000',
              network: '12345',
              'client-ref': form.get('client-ref') ?? undefined,
            },
          ],
        },
      };
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      violations.push(err.message);
      return vonageStatus('3', `Invalid parameters: ${err.message}`);
    }
  };

  const server = await startFake(handle);
  return Object.assign(server, {
    received,
    violations,
    refuseNext: (kind: 'permanent' | 'temporary') => refusals.push(kind),
    replyNext: (reply: FakeReply | 'hang') => void scripted.push(reply),
  });
}
