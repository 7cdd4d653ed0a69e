#!/usr/bin/env node
// Import boundaries (rules in .dependency-cruiser.cjs, type imports included): no module cycle, no
// capability importing another's store, and no cycle between capability folders (src/<folder>/;
// the files directly in src/ are the composition root), and a typed client (packages/client) that
// imports neither a Node built-in nor the server. Any violation fails.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin', 'depcruise');

function cruise() {
  const args = ['src', 'packages/client/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'];
  try {
    return JSON.parse(execFileSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  } catch (err) {
    // dependency-cruiser exits with the number of violations; the report is still on stdout.
    if (typeof err.stdout === 'string' && err.stdout.startsWith('{')) return JSON.parse(err.stdout);
    throw err;
  }
}

const folderOf = (source) => /^src\/([^/]+)\//.exec(source)?.[1];

/** Folders in import cycles with each other (Tarjan's strongly connected components), as their edges. */
function folderCycleEdges(modules) {
  const edges = new Map();
  for (const m of modules) {
    const from = folderOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from) (edges.get(from) ?? edges.set(from, new Set()).get(from)).add(to);
    }
  }
  const index = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const component = new Map();
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const members = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        members.push(w);
      } while (w !== v);
      for (const x of members) component.set(x, members.length > 1 ? v : undefined);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  const out = [];
  for (const [from, tos] of edges) {
    for (const to of tos) if (component.get(from) !== undefined && component.get(from) === component.get(to)) out.push(`folder-cycle: ${from} → ${to}`);
  }
  return out;
}

/** The folders bottom-up: each after every folder it imports, with what it imports (for docs/architecture.md). */
function layers(modules) {
  const edges = new Map();
  for (const m of modules) {
    const from = folderOf(m.source);
    if (!from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    for (const d of m.dependencies) {
      const to = folderOf(d.resolved);
      if (to && to !== from) edges.get(from).add(to);
    }
  }
  const level = new Map();
  const depth = (f) => {
    if (!level.has(f)) {
      level.set(f, 0);
      level.set(f, 1 + Math.max(-1, ...[...(edges.get(f) ?? [])].map(depth)));
    }
    return level.get(f);
  };
  const folders = [...edges.keys()].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  const width = Math.max(...folders.map((f) => f.length));
  const lines = folders.map((f) => `${String(depth(f)).padStart(2)}  ${f.padEnd(width)}  ${[...edges.get(f)].sort((a, b) => depth(b) - depth(a) || a.localeCompare(b)).join(' ') || '—'}`);
  return `\`\`\`\nlayer  folder → the folders it imports (higher layers first)\n${lines.join('\n')}\n\`\`\`\n`;
}

const result = cruise();
if (process.argv.includes('--layers')) {
  process.stdout.write(layers(result.modules));
  process.exit(0);
}
const current = [...new Set([...result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`), ...folderCycleEdges(result.modules)])].sort();

for (const v of current) process.stdout.write(`${v}\n`);
process.stdout.write(`${current.length} import-boundary violations (${result.summary.totalCruised} modules)\n`);
if (current.length > 0) process.exitCode = 1;
