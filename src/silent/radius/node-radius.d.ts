/**
 * The part of the `radius` package (1.1.4, no bundled types) the accounting listener and its tests
 * use. Attribute values are decoded per dictionary type (strings, dotted IPv4, `Date` for `date`,
 * enum names or numbers for `integer`, raw Buffers for types the package does not know), and
 * become arrays when an attribute repeats: hence `unknown`.
 */
declare module 'radius' {
  namespace radius {
    type AttributeValue = string | number | Date | Buffer;
    /** `[name or type number, value]`, or `['Vendor-Specific', vendor, [[name, value], ...]]`. */
    type AttributeList = Array<[string | number, AttributeValue] | [string, string | number, AttributeList]>;

    interface DecodedPacket {
      code: string;
      identifier: number;
      length: number;
      authenticator: Buffer;
      attributes: Record<string, unknown>;
      /** Every attribute as `[type, value]`, including those no dictionary names. */
      raw_attributes: Array<[number, Buffer]>;
    }

    interface EncodeArgs {
      code: string;
      secret: string;
      identifier?: number;
      authenticator?: Buffer;
      attributes?: AttributeList | Record<string, string | number>;
      add_message_authenticator?: boolean;
    }

    /** Throws on a malformed packet; with a secret, also on a request authenticator mismatch. */
    function decode(args: { packet: Buffer; secret: string }): DecodedPacket;
    function decode_without_secret(args: { packet: Buffer }): DecodedPacket;
    function encode(args: EncodeArgs): Buffer;
    function encode_response(args: { packet: DecodedPacket; code: string; secret: string; attributes?: AttributeList }): Buffer;
    function verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
    /** Reads the dictionary files synchronously; later calls are no-ops. */
    function load_dictionaries(): void;
  }

  export = radius;
}
