import { randomUUID } from 'node:crypto';

/**
 * The token answer in Apigee's GenerateAccessToken layout, on one line and in this key order:
 * Claro's own bash sample takes the token as the 36th `"`-separated field of that line.
 */
export function apigeeToken(o: { clientId: string; accessToken: string; issuedAtMs: number; expiresInS: number }): string {
  const fields: Array<[string, string | string[]]> = [
    ['refresh_token_expires_in', '0'],
    ['api_product_list', '[SMV]'],
    ['api_product_list_json', ['SMV']],
    ['organization_name', 'claro'],
    ['developer.email', 'developer@verity.invalid'],
    ['token_type', 'BearerToken'],
    ['issued_at', String(o.issuedAtMs)],
    ['client_id', o.clientId],
    ['access_token', o.accessToken],
    ['application_name', randomUUID()],
    ['scope', ''],
    ['expires_in', String(o.expiresInS)],
    ['refresh_count', '0'],
    ['status', 'approved'],
  ];
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** Apigee's OAuth error body (`{"ErrorCode", "Error"}`). */
export function oauthError(code: 'invalid_client' | 'invalid_request', message: string): string {
  return JSON.stringify({ ErrorCode: code, Error: message });
}

/** Apigee's fault body, what Claro's gateway answers for everything but the token. */
export function fault(message: string, errorcode: string): string {
  return JSON.stringify({ fault: { faultstring: message, detail: { errorcode } } });
}
