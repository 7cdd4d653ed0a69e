import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const ClaroSmvOptionsSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 256, description: 'Consumer key from the Claro API portal: the user half of `x-client-auth: Basic`. Required.' }),
    secret: Type.String({ minLength: 1, maxLength: 256, description: 'Consumer secret from the Claro API portal (secret). Required.' }),
    customerId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7e]+$', default: 'claro', description: 'Value of the `X-CustomerID` header. Default claro (what every Claro sample sends).' }),
    ),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://api.claro.com.br', description: 'API base URL. Default https://api.claro.com.br.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
  },
  { additionalProperties: false, description: 'Claro Brasil Silent Mobile Verification: does this number hold the device’s public ip:port on Claro’s network.' },
);

export type ClaroSmvOptions = Static<typeof ClaroSmvOptionsSchema>;

export type ResolvedClaroSmvOptions = ClaroSmvOptions & Required<Pick<ClaroSmvOptions, 'customerId' | 'baseUrl' | 'timeoutMs'>>;

export function resolveOptions(options: ClaroSmvOptions): ResolvedClaroSmvOptions {
  const o = Value.Default(ClaroSmvOptionsSchema, structuredClone(options)) as ResolvedClaroSmvOptions;
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
}
