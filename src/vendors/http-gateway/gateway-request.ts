import { ProviderError } from '../../kernel/provider-errors.js';
import { isRecord, parseJson } from './json-path.js';
import type { HttpGatewayOptions } from './options.js';
import { asIs, compileTemplate, variablesIn, type Template, type TemplateValues } from './placeholders.js';
import type { VendorCall } from '../../outbound/vendor-request.js';

// A JSON body kept as a tree: string leaves are templates, everything else is sent as written.
type JsonTemplate = Template | number | boolean | null | JsonTemplate[] | { [key: string]: JsonTemplate };

type BodySpec = { kind: 'json'; tree: JsonTemplate } | { kind: 'form'; fields: Array<[string, Template]> };

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: Template;
  query: Array<[string, Template]>;
  headers: Array<[string, Template]>;
  body: BodySpec | undefined;
}

const urlEncode = (v: string) => encodeURIComponent(v);

/** Checks every template of the options once, at start-up; throws a message saying which one is wrong. */
export function compileRequest(o: HttpGatewayOptions): RequestSpec {
  const secrets = o.secrets ?? {};
  const compile = (t: string, where: string) => compileTemplate(t, secrets, where);
  const fields = (rec: Record<string, string> | undefined, where: string): Array<[string, Template]> => Object.entries(rec ?? {}).map(([k, t]) => [k, compile(t, `${where}.${k}`)]);
  const method = o.method ?? 'POST';
  if (method === 'GET' && o.body !== undefined) throw new Error('body is set but method is GET');
  // Where the request goes is the options' choice alone: a message value in the host or port
  // would let a caller's text, sender or number pick it (and dodge the address check on save).
  const chosen = variablesIn(/^[^:/?#]*:\/\/[^/?#]*/.exec(o.url)?.[0] ?? '');
  if (chosen.length > 0) throw new Error(`url: the host and port may use {secret.NAME} only, not {${chosen[0]}}`);
  return {
    method,
    url: compile(o.url, 'url'),
    query: fields(o.query, 'query'),
    headers: fields(o.headers, 'headers'),
    body: o.body === undefined ? undefined : compileBody(o.body, o.bodyType ?? 'json', compile),
  };
}

function compileBody(body: string | Record<string, unknown>, type: 'json' | 'form', compile: (t: string, where: string) => Template): BodySpec {
  if (type === 'form') {
    const rec = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body;
    return { kind: 'form', fields: Object.entries(rec).map(([k, t]) => [k, compile(stringLeaf(t, `body.${k}`), `body.${k}`)]) };
  }
  // A string template is parsed as JSON first, so user text is only ever placed inside string
  // values and escaped by JSON.stringify, never spliced into the document.
  const doc = typeof body === 'string' ? parseJson(body) : body;
  if (!isRecord(doc) && !Array.isArray(doc)) throw new Error('body must be a JSON object or array when bodyType is json');
  return { kind: 'json', tree: compileTree(doc, 'body', compile) };
}

function compileTree(node: unknown, where: string, compile: (t: string, where: string) => Template): JsonTemplate {
  if (typeof node === 'string') return compile(node, where);
  if (typeof node === 'number' || typeof node === 'boolean' || node === null) return node;
  if (Array.isArray(node)) return node.map((n, i) => compileTree(n, `${where}.${i}`, compile));
  if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, compileTree(v, `${where}.${k}`, compile)]));
  throw new Error(`${where} must be a string, number, boolean, null, array or object`);
}

function stringLeaf(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`${where} must be a string when bodyType is form`);
}

function renderTree(node: JsonTemplate, values: TemplateValues): unknown {
  if (typeof node === 'function') return node(values, asIs);
  if (Array.isArray(node)) return node.map((n) => renderTree(n, values));
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, renderTree(v, values)]));
  return node;
}

/** The HTTP request for one message. */
export function renderRequest(spec: RequestSpec, values: TemplateValues, timeoutMs: number): VendorCall {
  let url: URL;
  try {
    url = new URL(spec.url(values, urlEncode));
  } catch (err) {
    throw new ProviderError('INVALID_REQUEST', 'the gateway URL template does not make a valid URL', err);
  }
  for (const [k, t] of spec.query) url.searchParams.append(k, t(values, asIs));
  const headers: Record<string, string> = {};
  for (const [k, t] of spec.headers) {
    const v = t(values, asIs);
    // A line break in a header would let message text inject headers; undici refuses it anyway.
    if (/[\r\n\0]/.test(v)) throw new ProviderError('INVALID_REQUEST', `header ${k} would contain a line break`);
    headers[k] = v;
  }
  // The outbox message id: the same on every try of one message, after a restart too, and unique
  // to it, so a gateway honouring the IETF draft's header sends a message the crash re-sent once.
  setDefault(headers, 'Idempotency-Key', values.message_id);
  let body: string | undefined;
  if (spec.body?.kind === 'json') {
    body = JSON.stringify(renderTree(spec.body.tree, values));
    setDefault(headers, 'content-type', 'application/json; charset=utf-8');
  } else if (spec.body?.kind === 'form') {
    body = new URLSearchParams(spec.body.fields.map(([k, t]): [string, string] => [k, t(values, asIs)])).toString();
    setDefault(headers, 'content-type', 'application/x-www-form-urlencoded');
  }
  return { method: spec.method, url: url.toString(), headers, body, timeoutMs };
}

const NO_VALUES: TemplateValues = { to: '', to_digits: '', text: '', code: '', sender: '', message_id: '', channel: '', callback_url: '' };

/** The URL the options send to, secrets filled in (its host and port hold nothing else). */
export function gatewayUrl(spec: RequestSpec): string {
  return renderRequest(spec, NO_VALUES, 0).url;
}

/** Sets `name` (spelled as given) unless the options set it already, in any case. */
function setDefault(headers: Record<string, string>, name: string, value: string): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) headers[name] = value;
}
