import { createHash, timingSafeEqual } from 'node:crypto';
import radius, { type DecodedPacket } from 'radius';

const ACCOUNTING_REQUEST = 4;
const HEADER_BYTES = 20;
const MAX_PACKET_BYTES = 4096; // RFC 2865 §3, which RFC 2866 §3 inherits
const ZERO_AUTHENTICATOR = Buffer.alloc(16);

export type RequestCheck = { ok: true; packet: Buffer } | { ok: false; reason: 'malformed' | 'bad-authenticator'; detail: string };

/**
 * Decides whether a datagram is an Accounting-Request signed with `secret`, before anything in it
 * is trusted. Done here rather than by `radius.decode`, which hashes the whole datagram (so a
 * valid packet followed by padding fails) and compares the digests as UTF-8 strings, where any two
 * invalid bytes compare equal; this compares the 16 octets themselves, in constant time.
 */
export function checkAccountingRequest(datagram: Buffer, secret: Buffer): RequestCheck {
  if (datagram.length < HEADER_BYTES) return malformed('shorter than a RADIUS header');
  if (datagram[0] !== ACCOUNTING_REQUEST) return malformed(`code ${datagram[0]} is not Accounting-Request`);
  const length = datagram.readUInt16BE(2);
  if (length < HEADER_BYTES || length > MAX_PACKET_BYTES) return malformed(`length field ${length} out of range`);
  if (length > datagram.length) return malformed('length field exceeds the datagram');
  // RFC 2865 §3: octets past the Length field are padding, ignored on reception.
  const packet = datagram.subarray(0, length);
  if (!attributesFit(packet)) return malformed('an attribute overruns the packet');
  const expected = requestAuthenticator(packet, secret);
  if (!timingSafeEqual(expected, packet.subarray(4, HEADER_BYTES))) {
    return { ok: false, reason: 'bad-authenticator', detail: 'request authenticator mismatch' };
  }
  return { ok: true, packet };
}

/** RFC 2866 §3: MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret). */
function requestAuthenticator(packet: Buffer, secret: Buffer): Buffer {
  return createHash('md5').update(packet.subarray(0, 4)).update(ZERO_AUTHENTICATOR).update(packet.subarray(HEADER_BYTES)).update(secret).digest();
}

/** The attributes, decoded by the package's dictionaries; throws on a value it cannot read. */
export function decodeAttributes(packet: Buffer): DecodedPacket {
  return radius.decode_without_secret({ packet });
}

/**
 * The Accounting-Response: the package copies Proxy-State (RFC 2866 §4.2), computes the Response
 * Authenticator MD5(Code + ID + Length + RequestAuth + Attributes + Secret) and adds a
 * Message-Authenticator when the request carried one (RFC 3579 §3.2).
 */
export function encodeResponse(request: DecodedPacket, secret: string): Buffer {
  const encoded = radius.encode_response({ packet: request, code: 'Accounting-Response', secret, attributes: [] });
  // The package slices a 4 KiB scratch buffer; copy so a cached response does not pin it.
  return Buffer.from(encoded);
}

function attributesFit(packet: Buffer): boolean {
  let offset = HEADER_BYTES;
  while (offset < packet.length) {
    if (offset + 2 > packet.length) return false;
    const length = packet[offset + 1] ?? 0;
    if (length < 2 || offset + length > packet.length) return false;
    offset += length;
  }
  return true;
}

function malformed(detail: string): RequestCheck {
  return { ok: false, reason: 'malformed', detail };
}
