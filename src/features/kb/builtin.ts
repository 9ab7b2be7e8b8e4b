import type { Pattern } from '../patterns/schema.js';

export interface BuiltinSource {
  slug: string;
  title: string;
  markdown: string;
}

/** A prompt pattern as a Markdown document for the shared knowledge base (one section per part). */
export function patternMarkdown(pattern: Pattern): BuiltinSource {
  const list = (items: string[]) => items.map((item) => `- ${item}`).join('\n');
  const markdown = [
    `# ${pattern.name}`,
    pattern.summary.trim(),
    `## How ${pattern.name} works`,
    pattern.howItWorks.trim(),
    `## Example: ${pattern.name}`,
    pattern.example.scenario.trim(),
    '```text\n' + pattern.example.prompt.trim() + '\n```',
    pattern.example.why.trim(),
    `## When to use ${pattern.name}`,
    list(pattern.useCases),
    `## Best practices for ${pattern.name}`,
    list(pattern.bestPractices),
    `## Common mistakes with ${pattern.name}`,
    list(pattern.commonMistakes),
  ].join('\n\n');
  return {
    slug: `pattern-${pattern.id}`,
    title: `Prompt pattern: ${pattern.name}`,
    markdown: markdown + '\n',
  };
}

/** A guide from content/guides: its front matter title (or the slug) and the Markdown as written. */
export function guideSource(slug: string, markdown: string): BuiltinSource {
  const title = /^---\n[\s\S]*?^title:\s*(.+)$[\s\S]*?^---$/m.exec(markdown)?.[1]?.trim();
  return { slug: `guide-${slug}`, title: title?.replace(/^['"]|['"]$/g, '') ?? slug, markdown };
}
