/**
 * Prompt template language.
 *
 *   {{name}}                 replaced by the variable's value
 *   {{#name}} ... {{/name}}  kept only when `name` has a non-blank value
 *
 * Variable names are snake_case identifiers. Anything else between braces is literal text, so code
 * samples containing `{{` (Handlebars, Jinja, Go templates) survive unchanged.
 */

export const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'section'; name: string; children: Node[] };

const TAG = /\{\{\s*([#/]?)\s*([a-z][a-z0-9_]{0,63})\s*\}\}/g;

export class TemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

/** Parses a template into a tree. Throws TemplateSyntaxError on unbalanced sections. */
export function parseTemplate(source: string): Node[] {
  const root: Node[] = [];
  const stack: { name: string; children: Node[] }[] = [];
  let current = root;
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const [whole, sigil, name] = match as unknown as [string, string, string];
    const at = match.index ?? 0;
    if (at > last) current.push({ kind: 'text', text: source.slice(last, at) });
    last = at + whole.length;
    if (sigil === '#') {
      const section: Node = { kind: 'section', name, children: [] };
      current.push(section);
      stack.push({ name, children: current });
      current = section.children;
    } else if (sigil === '/') {
      const open = stack.pop();
      if (!open || open.name !== name) {
        throw new TemplateSyntaxError(`Closing tag {{/${name}}} has no matching {{#${name}}}`);
      }
      current = open.children;
    } else {
      current.push({ kind: 'var', name });
    }
  }
  if (stack.length > 0) {
    throw new TemplateSyntaxError(`Section {{#${stack.at(-1)?.name}}} is never closed`);
  }
  if (last < source.length) current.push({ kind: 'text', text: source.slice(last) });
  return root;
}

/** Variable names in order of first appearance (placeholders and section names alike). */
export function extractVariables(source: string): string[] {
  const seen = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.kind === 'var') seen.add(node.name);
      if (node.kind === 'section') {
        seen.add(node.name);
        walk(node.children);
      }
    }
  };
  walk(parseTemplate(source));
  return [...seen];
}

/** Renders a template. Variables absent from `values` render as an empty string. */
export function renderTemplate(source: string, values: Readonly<Record<string, string>>): string {
  // Own properties only: a variable named `constructor` must not find Object.prototype's.
  const valueOf = (name: string): string => (Object.hasOwn(values, name) ? (values[name] ?? '') : '');
  const walk = (nodes: Node[]): string =>
    nodes
      .map((node) => {
        if (node.kind === 'text') return node.text;
        if (node.kind === 'var') return valueOf(node.name);
        return valueOf(node.name).trim() === '' ? '' : walk(node.children);
      })
      .join('');
  // Sections removed on their own lines would leave blank runs behind; collapse 3+ newlines to 2.
  return walk(parseTemplate(source)).replace(/\n{3,}/g, '\n\n');
}
