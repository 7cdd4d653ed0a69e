/** One part of a multipart/form-data body: a text field, or a file when it has a filename. */
export interface FormPart {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

const MAX_PARTS = 20;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function dispositionParam(header: string, param: string): string | undefined {
  const m = new RegExp(`;\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

/**
 * Reads a multipart/form-data body (RFC 7578) the way PHP's curl uploads and browsers write
 * it. Undefined when the body is not well formed; no part is guessed at.
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  at += delimiter.length;
  const parts: FormPart[] = [];
  for (;;) {
    // "--" after a delimiter closes the body.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    if (!body.subarray(at, at + 2).equals(CRLF)) return undefined;
    const headStart = at + 2;
    const headEnd = body.indexOf(HEADER_END, headStart);
    if (headEnd < 0) return undefined;
    const end = body.indexOf(next, headEnd + 4);
    if (end < 0) return undefined;
    const headers = body.subarray(headStart, headEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h));
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = disposition && dispositionParam(disposition, 'name');
    if (name === undefined) return undefined;
    parts.push({
      name,
      filename: disposition && dispositionParam(disposition, 'filename'),
      contentType: type?.slice(type.indexOf(':') + 1).trim(),
      data: body.subarray(headEnd + 4, end),
    });
    if (parts.length > MAX_PARTS) return undefined;
    at = end + next.length;
  }
}
