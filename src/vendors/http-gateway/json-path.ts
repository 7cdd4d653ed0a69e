/**
 * Reads a dotted path (`data.id`, `messages.0.id`) from parsed JSON or a flat form record. A key
 * that itself contains dots (a form field `msg.id`) is tried whole first. Only own properties
 * are followed, so a path such as `__proto__.x` reads nothing.
 */
export function readPath(root: unknown, path: string): unknown {
  if (isRecord(root) && Object.hasOwn(root, path)) return root[path];
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/** A path's value as an identifier or status string; objects and empty values count as absent. */
export function readScalar(root: unknown, path: string): string | undefined {
  const v = readPath(root, path);
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
