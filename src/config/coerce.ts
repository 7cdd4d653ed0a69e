import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { SettingKind } from './setting.js';

type Node = Record<string, unknown>;

/** `/0/prefix` → `[0].prefix`: how a problem names a place inside a JSON value. */
function place(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
}

const unescapePointer = (p: string) => p.replaceAll('~1', '/').replaceAll('~0', '~');

function nodeAt(schema: TSchema, schemaPath: string): Node {
  let cur: unknown = schema;
  for (const part of schemaPath.split('/').slice(1)) cur = (cur as Node | undefined)?.[unescapePointer(part)];
  return (cur ?? {}) as Node;
}

/**
 * The outermost schema on the failing path that words its own problem (`x-message`), and the
 * place in the value it describes: `flows.SAUTH` failing under a `flows` that says "must map
 * flowTypes to channels" is told as that sentence about `flows`.
 */
function worded(schema: TSchema, schemaPath: string, instancePath: string): { pointer: string; message: string } | undefined {
  const segs = schemaPath.split('/').slice(1).map(unescapePointer);
  const inst = instancePath.split('/').slice(1);
  let node = schema as Node | undefined;
  let depth = 0;
  for (let i = 0; node; i++) {
    if (typeof node['x-message'] === 'string')
      return {
        pointer: inst
          .slice(0, depth)
          .map((p) => `/${p}`)
          .join(''),
        message: node['x-message'],
      };
    const seg = segs[i];
    if (seg === 'properties' || seg === 'patternProperties') [node, depth] = [(node[seg] as Node)[segs[++i] as string] as Node | undefined, depth + 1];
    else if (seg === 'items' || seg === 'additionalProperties') [node, depth] = [node[seg] as Node | undefined, depth + 1];
    else if (seg === 'anyOf' || seg === 'allOf' || seg === 'oneOf') node = (node[seg] as Node[])[Number(segs[++i])];
    else return undefined;
    if (typeof node !== 'object') return undefined;
  }
  return undefined;
}

function range(node: Node): string {
  const { minimum: lo, maximum: hi } = node as { minimum?: number; maximum?: number };
  if (lo !== undefined && hi !== undefined) return `must be between ${lo} and ${hi}`;
  return lo !== undefined ? `must be ≥ ${lo}` : `must be ≤ ${String(hi)}`;
}

const TYPE_NAMES: Record<string, string> = { array: 'a JSON list', object: 'a JSON object', string: 'a string', boolean: 'a boolean', number: 'a number' };

function sentence(error: { keyword: string; message: string; params: Node }, node: Node, value: unknown): string | string[] {
  if (typeof node['x-message'] === 'string') return node['x-message'];
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((node.properties ?? {}) as Node).join(', ');
      return (error.params.additionalProperties as string[]).map((k) => `: unknown key "${k}"; one of ${known}`);
    }
    case 'required':
      return `needs ${(error.params.requiredProperties as string[]).join(', ')}`;
    case 'type': {
      const type = String(error.params.type);
      if (type === 'integer') return typeof value === 'number' ? 'must be a whole number' : 'must be a number';
      return `must be ${TYPE_NAMES[type] ?? type}`;
    }
    case 'anyOf': {
      const consts = ((node.anyOf ?? []) as Node[]).map((b) => b.const);
      return consts.every((c) => typeof c === 'string') ? `must be one of ${consts.join(', ')}` : 'is not valid';
    }
    case 'minimum':
    case 'maximum':
      return range(node);
    case 'minLength':
      return `must be at least ${String(node.minLength)} characters`;
    case 'minItems':
      return node.minItems === 1 ? 'must not be empty' : `needs at least ${String(node.minItems)} entries`;
    case 'pattern':
      return `must match ${String(node.pattern)}`;
    default:
      return error.message;
  }
}

function at(pointer: string, value: unknown): unknown {
  let cur = value;
  for (const p of pointer.split('/').slice(1)) cur = (cur as Node | undefined)?.[p];
  return cur;
}

/**
 * Every way `value` breaks `schema`, one sentence each, named `where` plus the place in the value
 * (`ROUTES[0].prefix must match …`). Only the outermost failure of each place is told: a value
 * that fits no branch of a union is one problem, not one per branch.
 */
export function schemaProblems(schema: TSchema, value: unknown, where: string): string[] {
  const told = new Map<string, string | { keyword: string; message: string; params: Node; schemaPath: string }>();
  for (const e of Value.Errors(schema, value)) {
    if (e.keyword === 'boolean') continue; // the `false` under additionalProperties; told by its object
    const w = worded(schema, e.schemaPath, e.instancePath);
    if (w) {
      told.set(w.pointer, w.message);
      continue;
    }
    const seen = told.get(e.instancePath);
    if (seen === undefined || (typeof seen !== 'string' && e.schemaPath.length < seen.schemaPath.length)) told.set(e.instancePath, e as typeof e & { params: Node });
  }
  const out: string[] = [];
  for (const [pointer, e] of told) {
    const said = typeof e === 'string' ? e : sentence(e, nodeAt(schema, e.schemaPath), at(pointer, value));
    const name = `${where}${place(pointer)}`.replace(/^\./, '');
    for (const s of Array.isArray(said) ? said : [said]) out.push(`${name}${s.startsWith(':') || !name ? '' : ' '}${s}`);
  }
  return out;
}

/** The environment's text (or a config file's value) as the setting's type; a problem when it is not. */
export function coerce(kind: SettingKind, raw: unknown, where: string, problems: string[], secret = false): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  // What was given is quoted back to help fix it, unless the setting holds a secret.
  const got = (r: unknown) => (secret ? '' : `, got "${String(r)}"`);
  switch (kind) {
    case 'string':
      if (typeof text !== 'string') return void problems.push(`${where} must be a string`);
      return text;
    case 'int': {
      const n = typeof text === 'number' ? text : /^-?\d+$/.test(String(text)) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) return void problems.push(`${where} must be an integer${got(raw)}`);
      return n;
    }
    case 'bool': {
      if (typeof text === 'boolean') return text;
      const t = String(text).toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      return void problems.push(`${where} must be true or false${got(raw)}`);
    }
    case 'list': {
      const items = Array.isArray(text) ? text.map(String) : String(text).split(',');
      return items.map((x) => x.trim()).filter((x) => x.length > 0);
    }
    case 'rule': {
      let points: number, durationSec: number, window: unknown;
      if (typeof text === 'object' && text !== null && 'points' in text) {
        const r = text as { points: unknown; durationSec?: unknown; duration_s?: unknown; window?: unknown };
        [points, durationSec, window] = [Number(r.points), Number(r.durationSec ?? r.duration_s), r.window];
      } else {
        // `points/seconds`, optionally `s` after the seconds and the window: `1000/60s sliding`.
        const m = /^(\d+)\s*\/\s*(\d+)\s*s?(?:\s+(\S+))?$/.exec(String(text));
        if (!m) return void problems.push(`${where} must look like points/seconds (e.g. 5/600, or 1000/60 sliding for a sliding window)${got(raw)}`);
        [points, durationSec, window] = [Number(m[1]), Number(m[2]), m[3]];
      }
      if (!Number.isSafeInteger(points) || points < 0 || !Number.isSafeInteger(durationSec) || durationSec < 1) {
        return void problems.push(`${where} needs whole points ≥ 0 and seconds ≥ 1`);
      }
      // Left out when not given, so the loader can fill in the setting's default window.
      return window === undefined ? { points, durationSec } : { points, durationSec, window };
    }
    case 'magic':
      return magic(where, text, problems);
    case 'json':
      if (typeof text !== 'string') return text;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return void problems.push(`${where} must be JSON`);
      }
  }
}

/** `to:code:outcome,…` (or a file's list of objects) as sandbox destinations, addresses lower-cased. */
function magic(where: string, raw: unknown, problems: string[]): unknown[] {
  const entries: unknown[] = Array.isArray(raw)
    ? raw
    : String(raw)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
        .map((x) => {
          const i = x.lastIndexOf(':');
          const j = x.lastIndexOf(':', i - 1);
          return { to: x.slice(0, j), code: x.slice(j + 1, i), outcome: x.slice(i + 1) };
        });
  const out: unknown[] = [];
  for (const e of entries) {
    const m = e as { to?: unknown; code?: unknown; outcome?: unknown };
    if (typeof m.to !== 'string' || !m.to || typeof m.code !== 'string' || !/^\d{4,10}$/.test(m.code) || (m.outcome !== 'delivered' && m.outcome !== 'undeliverable')) {
      problems.push(`${where}: each entry needs to, a 4–10 digit code and outcome delivered|undeliverable, got ${JSON.stringify(e)}`);
      continue;
    }
    out.push({ to: m.to.toLowerCase(), code: m.code, outcome: m.outcome });
  }
  return out;
}

/** A typed default written as the environment would hold it, for the documentation. */
export function envText(kind: SettingKind, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  switch (kind) {
    case 'list':
      return (value as string[]).join(',');
    case 'rule': {
      const r = value as { points: number; durationSec: number; window?: string };
      return `${r.points}/${r.durationSec}${r.window ? ` ${r.window}` : ''}`;
    }
    case 'magic':
      return (value as Array<{ to: string; code: string; outcome: string }>).map((m) => `${m.to}:${m.code}:${m.outcome}`).join(',');
    case 'json':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}
