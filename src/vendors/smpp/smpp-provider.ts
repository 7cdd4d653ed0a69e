import { randomInt } from 'node:crypto';
import type { Pdu } from 'smpp';
import { ProviderError } from '../../kernel/provider-errors.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../delivery/provider.js';
import type { OutboundMessage, SendReceipt } from '../../kernel/message.js';
import { isBlockedAddress } from '../../outbound/outbound-guard.js';
import { SmppLink } from './link.js';
import type { SmppOptions } from './options.js';
import { isDeliveryReceipt, parseReceipt } from './receipt.js';
import { MAX_PARTS, encodeMessage } from './segments.js';
import { SubmitWindow } from './submit-window.js';

const E164 = /^\+[1-9][0-9]{5,14}$/;
const REGISTERED_DELIVERY_FINAL = 0x01;

/**
 * SMS over one SMPP 3.4 transceiver bind. A send resolves when the SMSC acknowledges every part
 * with submit_sm_resp; the handset's fate arrives later as a deliver_sm receipt on the same bind.
 *
 * A message split into concatenated parts is identified by the message_id of its FIRST part:
 * that is the providerMessageId returned, and the receipt for that part is the one that settles
 * the message (receipts for later parts carry ids nobody asked for and are passed on as such).
 */
export class SmppProvider implements MessageProvider {
  readonly type = 'smpp';
  readonly billable = true;
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  private readonly link: SmppLink;
  private readonly window: SubmitWindow;
  private reference = randomInt(256);
  private closed = false;

  constructor(
    private readonly o: SmppOptions,
    private readonly ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.capabilities = {
      channels: ['sms'],
      countries: o.countries,
      // 255 parts of 66 UCS-2 units: the worst case, when a surrogate pair ends each part.
      maxLength: MAX_PARTS * 66,
      unicode: true,
    };
    this.window = new SubmitWindow(o, () => this.link.lastFailure);
    this.link = new SmppLink(
      {
        ...o,
        enquireLinkMs: o.enquireLinkS * 1000,
        reconnectMaxMs: o.reconnectMaxS * 1000,
        outbound: ctx.outbound,
      },
      ctx.log,
      {
        up: (session) => this.window.linkUp(session),
        down: (reason) => this.window.linkDown(reason),
        deliver: (pdu) => this.deliver(pdu),
        // Messages waiting for the link would only time out: the address will be refused again.
        refused: (reason) => this.window.abandon(addressRefused(reason)),
      },
    );
    this.link.start();
  }

  async send(m: OutboundMessage): Promise<SendReceipt> {
    if (this.closed) throw new ProviderError('PROVIDER_CLOSED', 'SMPP provider is closed');
    if (!E164.test(m.to)) throw new ProviderError('INVALID_DESTINATION', 'destination is not an E.164 number');
    if (isBlockedAddress(this.link.lastFailure)) throw addressRefused(this.link.lastFailure);
    this.reference = (this.reference + 1) % 256;
    const encoded = encodeMessage(m.text, this.reference);
    if (encoded.shortMessages.length > MAX_PARTS) {
      throw new ProviderError('MESSAGE_TOO_LONG', `text needs more than ${MAX_PARTS} SMS parts`);
    }
    const base = {
      ...sourceAddress(m.sender ?? this.o.sourceAddr),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: m.to.slice(1),
      esm_class: encoded.esmClass,
      registered_delivery: REGISTERED_DELIVERY_FINAL,
      data_coding: encoded.dataCoding,
    };
    // Parts go one after another so that a refused part stops the rest from being sent.
    let first: string | undefined;
    for (const short_message of encoded.shortMessages) {
      const messageId = await this.window.submit({ ...base, short_message });
      first ??= messageId;
    }
    return { providerMessageId: first ?? '', status: 'sent' };
  }

  private deliver(pdu: Pdu): void {
    // A mobile-originated SMS (no receipt bit) is answered by the link and otherwise ignored.
    if (!isDeliveryReceipt(pdu)) return;
    const receipt = parseReceipt(pdu);
    if (receipt) this.ctx.onReceipt(receipt);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.window.abandon(new ProviderError('PROVIDER_CLOSED', 'SMPP provider closed before the message was submitted'));
    await this.link.close();
  }
}

function addressRefused(reason: unknown): ProviderError {
  return new ProviderError('ADDRESS_NOT_ALLOWED', 'the SMSC is at an address this server may not reach (loopback, private or otherwise non-public)', reason);
}

/** Letters make an alphanumeric sender id (TON 5 / NPI 0); digits an international number. */
function sourceAddress(sender: string): Record<string, unknown> {
  const digits = /^\+?[0-9]+$/.test(sender);
  return digits ? { source_addr_ton: 1, source_addr_npi: 1, source_addr: sender.replace(/^\+/, '') } : { source_addr_ton: 5, source_addr_npi: 0, source_addr: sender };
}
