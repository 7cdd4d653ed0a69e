import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/index.js';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

// The OpenAPI document is the reference's source: every operation is in a group the document
// lists, has a request and a response example that its own schema accepts, and names the problem
// codes it answers with an example of each.

// ajv-formats is CommonJS whose export is the plugin itself.
const addFormats = createRequire(import.meta.url)('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let t: TestApp;
let doc: Json;
beforeAll(async () => {
  t = await startTestApp(SQLITE, { env: { COMPAT_VENDORS: 'claro,zadarma,smsc,messagecentral' } });
  doc = (await t.get('/openapi.json', null)).body;
});
afterAll(() => t?.close());

function operations(): Array<{ id: string; op: Json }> {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ id: `${m.toUpperCase()} ${path}`, op: item[m] as Json })));
}

/** Bodies that are bytes (an audio upload) are shown as such; every other body has examples. */
const textual = (type: string): boolean => type.includes('json') || type.includes('form') || type.startsWith('text/');

/** Every example of a media object: `example` or each of `examples`. */
function examplesOf(media: Json): unknown[] {
  if ('example' in media) return [media.example];
  return Object.values((media.examples ?? {}) as Json).map((e) => (e as Json).value);
}

function validator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  return (schema: Json, value: unknown): string[] => {
    const check = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  };
}

describe('the OpenAPI document', () => {
  it('lists verifications first and puts every group in a section, vendor APIs and health in their own', () => {
    const names = (doc.tags as Json[]).map((g) => g.name);
    expect(names[0]).toBe('Verifications');
    const sections = doc['x-tagGroups'] as Array<{ name: string; tags: string[] }>;
    expect(sections.flatMap((s) => s.tags).sort()).toEqual([...names].sort());
    expect(sections.find((s) => s.name === 'Vendor-compatible APIs')?.tags).toEqual(['Vendor credentials', 'Claro SMV', 'Zadarma', 'SMSC', 'Message Central']);
    expect(sections.at(-1)).toEqual({ name: 'Operations', tags: ['Health and metrics'] });
    for (const g of doc.tags as Json[]) expect(g.description, g.name).toBeTruthy();
  });

  it('puts each operation in one listed group, with a summary, and every group has operations', () => {
    const names = new Set((doc.tags as Json[]).map((g) => g.name));
    const used = new Set<string>();
    for (const { id, op } of operations()) {
      expect(op.tags, id).toHaveLength(1);
      expect(names.has(op.tags[0]), `${id}: ${op.tags[0]}`).toBe(true);
      expect(op.summary, id).toBeTruthy();
      used.add(op.tags[0]);
    }
    expect([...names].filter((n) => !used.has(n))).toEqual([]);
  });

  it('gives every request body an example its schema accepts', () => {
    const check = validator();
    const missing: string[] = [];
    for (const { id, op } of operations()) {
      for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Json)) {
        const examples = examplesOf(media);
        if (examples.length === 0 && textual(type)) missing.push(`${id} ${type}`);
        for (const ex of examples) expect(check(media.schema, ex), `${id} ${type}`).toEqual([]);
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every success response an example its schema accepts', () => {
    const check = validator();
    const missing: string[] = [];
    for (const { id, op } of operations()) {
      const ok = Object.keys(op.responses).filter((s) => s.startsWith('2') || s.startsWith('3'));
      expect(ok.length, id).toBeGreaterThan(0);
      for (const status of ok) {
        for (const [type, media] of Object.entries((op.responses[status].content ?? {}) as Json)) {
          const examples = examplesOf(media);
          if (examples.length === 0 && textual(type)) missing.push(`${id} ${status} ${type}`);
          for (const ex of examples) expect(check(media.schema, ex), `${id} ${status} ${type}`).toEqual([]);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists the problem codes of each operation of the API, each with an example of its status', () => {
    for (const { id, op } of operations()) {
      const [tag] = op.tags as string[];
      if (['Claro SMV', 'Zadarma', 'SMSC', 'Message Central', 'Health and metrics', 'CAMARA Number Verification'].includes(tag!)) continue;
      const errors = Object.entries(op.responses as Json).filter(([s]) => Number(s) >= 400);
      // Routes that take Verity's credentials can answer that they are missing or wrong.
      const open = Array.isArray(op.security) && op.security.length === 0;
      expect(
        errors.map(([s]) => s),
        id,
      ).toEqual(expect.arrayContaining(open ? ['400', '500'] : ['400', '401', '500']));
      if (!open) expect(Object.keys(op.responses['401'].content['application/problem+json'].examples), id).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'INVALID_CREDENTIALS']));
      for (const [status, response] of errors) {
        const media = response.content['application/problem+json'];
        const codes = Object.keys(media.examples);
        expect(codes.length, `${id} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(ERROR_CODES[code as keyof typeof ERROR_CODES]?.status, `${id} ${code}`).toBe(Number(status));
          expect(response.description, `${id} ${status}`).toContain(`\`${code}\``);
          expect(media.examples[code].value).toMatchObject({ code, status: Number(status) });
        }
      }
    }
  });
});
