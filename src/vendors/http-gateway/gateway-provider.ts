import type { CallbackRequest, DeliveryReceipt, OutboundMessage, SendReceipt } from '../../kernel/message.js';
import type { MessageProvider, ProviderCapabilities, ProviderContext } from '../../delivery/provider.js';
import { parseGatewayReceipts } from './gateway-receipt.js';
import { interpretReply } from './gateway-reply.js';
import { compileRequest, renderRequest, type RequestSpec } from './gateway-request.js';
import type { HttpGatewayOptions, ReceiptOptions } from './options.js';
import type { TemplateValues } from './placeholders.js';
import { vendorRequest } from '../../outbound/vendor-request.js';
import type { OutboundGuard } from '../../outbound/outbound-guard.js';

const SECRET_REF = /^\{secret\.([A-Za-z0-9_-]+)\}$/;

/** Any SMS gateway with an HTTP API, described entirely by templates in its options. */
export class HttpGatewayProvider implements MessageProvider {
  readonly type = 'http';
  readonly billable = true;
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  readonly parseCallback?: (req: CallbackRequest) => DeliveryReceipt[];
  private readonly spec: RequestSpec;
  private readonly callbackUrl: string;
  private readonly outbound: OutboundGuard;

  constructor(
    private readonly options: HttpGatewayOptions,
    ctx: ProviderContext,
  ) {
    this.name = ctx.name;
    this.callbackUrl = ctx.callbackUrl;
    this.outbound = ctx.outbound;
    this.capabilities = { channels: options.channels ?? ['sms'], unicode: options.unicode ?? true, countries: options.countries };
    try {
      this.spec = compileRequest(options);
    } catch (err) {
      throw new Error(`http provider "${ctx.name}": ${(err as Error).message}`);
    }
    const receipt = options.receipt;
    if (receipt) {
      const token = this.receiptToken(receipt);
      if (token === undefined) ctx.log.warn('delivery reports are accepted without a token: anyone who knows the callback URL can post one');
      this.parseCallback = (req) => parseGatewayReceipts(req, receipt, token);
    }
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const call = renderRequest(this.spec, this.values(message), this.options.timeoutMs ?? 10_000);
    const reply = await vendorRequest('the gateway', call, this.outbound);
    return interpretReply(reply, this.options, message);
  }

  private values(m: OutboundMessage): TemplateValues {
    return {
      to: m.to,
      to_digits: m.to.replace(/^\+/, ''),
      text: m.text,
      code: m.code,
      sender: m.sender ?? this.options.sender ?? '',
      message_id: m.id,
      channel: m.channel,
      callback_url: this.callbackUrl,
    };
  }

  private receiptToken(receipt: ReceiptOptions): string | undefined {
    if (receipt.token === undefined) return undefined;
    const ref = SECRET_REF.exec(receipt.token)?.[1];
    if (ref === undefined) return receipt.token;
    const value = this.options.secrets?.[ref];
    if (value === undefined) throw new Error(`http provider "${this.name}": receipt.token uses {secret.${ref}}, which is not in secrets`);
    return value;
  }
}
