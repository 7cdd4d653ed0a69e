// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are shell code, whose ${…} is the shell's own expansion.
import type { Command } from './command.js';

/** The first word of every command, then for each group its second words. */
function tree(commands: Command[]) {
  const top: string[] = [];
  const groups = new Map<string, string[]>();
  for (const c of commands) {
    const [first, second] = c.name.split(' ') as [string, string | undefined];
    if (!top.includes(first)) top.push(first);
    if (second) groups.set(first, [...(groups.get(first) ?? []), second]);
  }
  return { top, groups };
}

const optionWords = (c: Command) => [...Object.keys(c.options ?? {}).map((o) => `--${o}`), '--help'].join(' ');

/** `--channel` and `--status` offer their values after the option. */
function choiceCases(commands: Command[], indent: string, sep: string, assign: (words: string) => string): string[] {
  const seen = new Map<string, readonly string[]>();
  for (const c of commands) for (const [name, o] of Object.entries(c.options ?? {})) if (o.choices) seen.set(name, o.choices);
  return [...seen].map(([name, choices]) => `${indent}--${name}) ${assign(choices.join(' '))}${sep}`);
}

export function bashCompletion(commands: Command[]): string {
  const { top, groups } = tree(commands);
  const byFirst = top.map((first) => {
    const subs = groups.get(first);
    if (!subs) return `      ${first}) words="${optionWords(commands.find((c) => c.name === first) as Command)}" ;;`;
    const inner = subs.map((s) => `          ${s}) words="${optionWords(commands.find((c) => c.name === `${first} ${s}`) as Command)}" ;;`);
    return [`      ${first})`, `        if [ "$COMP_CWORD" -eq 2 ]; then words="${subs.join(' ')}"; else`, '        case "${COMP_WORDS[2]}" in', ...inner, '        esac; fi ;;'].join('\n');
  });
  return [
    '# bash completion for verity; load it with: source <(verity completion bash)',
    '_verity() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" words=""',
    '  case "$prev" in',
    ...choiceCases(commands, '    ', ' return ;;', (w) => `COMPREPLY=( $(compgen -W "${w}" -- "$cur") );`),
    '  esac',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    words="${top.join(' ')} --version --help"`,
    '  else',
    '    case "${COMP_WORDS[1]}" in',
    ...byFirst,
    '    esac',
    '  fi',
    '  COMPREPLY=( $(compgen -W "$words" -- "$cur") )',
    '}',
    'complete -F _verity verity',
    '',
  ].join('\n');
}

export function zshCompletion(commands: Command[]): string {
  const { top, groups } = tree(commands);
  const byFirst = top.map((first) => {
    const subs = groups.get(first);
    if (!subs) return `      ${first}) candidates=(${optionWords(commands.find((c) => c.name === first) as Command)}) ;;`;
    const inner = subs.map((s) => `          ${s}) candidates=(${optionWords(commands.find((c) => c.name === `${first} ${s}`) as Command)}) ;;`);
    return [`      ${first})`, `        if (( CURRENT == 3 )); then candidates=(${subs.join(' ')}); else`, '        case ${words[3]} in', ...inner, '        esac; fi ;;'].join('\n');
  });
  return [
    '#compdef verity',
    '# zsh completion for verity; load it with: source <(verity completion zsh), or save it as _verity in your $fpath',
    '_verity() {',
    '  local -a candidates',
    '  case ${words[CURRENT-1]} in',
    ...choiceCases(commands, '    ', ' ;;', (w) => `compadd -- ${w}; return`),
    '  esac',
    '  if (( CURRENT == 2 )); then',
    `    candidates=(${top.join(' ')} --version --help)`,
    '  else',
    '    case ${words[2]} in',
    ...byFirst,
    '    esac',
    '  fi',
    '  compadd -- $candidates',
    '}',
    'if [ "$funcstack[1]" = "_verity" ]; then _verity "$@"; else compdef _verity verity; fi',
    '',
  ].join('\n');
}
