/**
 * The part of the `smpp` package (0.5.1, no bundled types) this provider and its tests use.
 * PDU parameters are the SMPP specification's names; their values are loosely typed on purpose,
 * because the library decodes them per command (numbers, strings, `{ udh, message }` objects).
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    interface Pdu {
      command: string;
      command_status: number;
      sequence_number: number;
      [param: string]: unknown;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): Pdu;
    }

    type OnResponse = (pdu: Pdu) => void;

    interface Session extends EventEmitter {
      readonly socket: { readonly writable: boolean; setNoDelay(noDelay?: boolean): unknown };
      /** false when the socket is no longer writable (the PDU was not sent). */
      send(pdu: Pdu, onResponse?: OnResponse, onSent?: OnResponse): boolean;
      bind_transceiver(params: Record<string, unknown>, onResponse?: OnResponse): boolean;
      submit_sm(params: Record<string, unknown>, onResponse?: OnResponse): boolean;
      deliver_sm(params: Record<string, unknown>, onResponse?: OnResponse): boolean;
      enquire_link(params: Record<string, unknown>, onResponse?: OnResponse): boolean;
      unbind(params: Record<string, unknown>, onResponse?: OnResponse): boolean;
      close(onClosed?: () => void): void;
      destroy(onClosed?: () => void): void;
    }

    /** `socket`: an already opening connection the session runs over (it then emits no 'connect' of its own). */
    type ConnectOptions = { host: string; port: number; tls?: boolean; servername?: string } | { socket: Socket };

    interface Server extends NetServer {
      sessions: Session[];
    }

    const PDU: new (command: string, options?: Record<string, unknown>) => Pdu;
    const errors: Record<string, number>;
    function connect(options: ConnectOptions): Session;
    function createServer(listener: (session: Session) => void): Server;
  }

  export = smpp;
}
