import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

// The Markdown guides in content/guides are seeded into the shared knowledge base and retrieved section
// by section, so each one must carry usable front matter, a single title heading and several
// self-contained `##` sections, and must not break the Markdown parser with an unclosed code fence.

const GUIDES_DIR = new URL('../content/guides/', import.meta.url);
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Guides the built-in collection is expected to ship; more may be added freely. */
const REQUIRED_GUIDES = [
  'writing-effective-prompts',
  'reviewing-ai-generated-code',
  'retrieval-augmented-generation',
  'controlling-cost-and-latency',
  'security-and-privacy',
  'evaluating-llm-output',
  'choosing-a-model',
  'team-adoption-playbook',
];

interface Heading {
  level: number;
  text: string;
  /** 0-based line in the body. */
  line: number;
}

interface ScannedMarkdown {
  headings: Heading[];
  /** The fence still open at the end of the text, or null when every fence was closed. */
  unclosedFence: { marker: string; line: number } | null;
  lines: string[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;

/** Headings outside fenced code, and whether a fence is left open (CommonMark fence rules). */
function scanMarkdown(body: string): ScannedMarkdown {
  const lines = body.split('\n');
  const headings: Heading[] = [];
  let fence: { char: string; length: number; line: number } | null = null;
  for (const [i, line] of lines.entries()) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    // A backtick fence's info string may not contain backticks (that line is inline code instead).
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      fence = { char: open[1]![0]!, length: open[1]!.length, line: i };
      continue;
    }
    const heading = ATX_HEADING.exec(line);
    if (heading) headings.push({ level: heading[1]!.length, text: heading[2]!.trim(), line: i });
  }
  return {
    headings,
    unclosedFence: fence ? { marker: fence.char.repeat(fence.length), line: fence.line } : null,
    lines,
  };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

interface Guide {
  slug: string;
  front: Record<string, unknown>;
  body: string;
  scan: ScannedMarkdown;
}

function loadGuide(file: string): Guide {
  const text = readFileSync(new URL(file, GUIDES_DIR), 'utf8').replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!m) throw new Error(`${file}: no YAML front matter between --- lines at the top`);
  const front: unknown = parseYaml(m[1]!);
  if (front === null || typeof front !== 'object' || Array.isArray(front)) {
    throw new Error(`${file}: front matter is not a YAML mapping`);
  }
  const body = text.slice(m[0].length);
  return {
    slug: file.replace(/\.md$/, ''),
    front: front as Record<string, unknown>,
    body,
    scan: scanMarkdown(body),
  };
}

const files = readdirSync(GUIDES_DIR)
  .filter((f) => f.endsWith('.md'))
  .sort();
const guides = files.map(loadGuide);

describe('the Markdown scanner used by these checks', () => {
  it('ignores headings inside fenced code and finds the ones outside', () => {
    const scan = scanMarkdown(
      '# Title\n\n```bash\n# a shell comment\n```\n\n## Section\n~~~\n## not a heading\n~~~\n',
    );
    expect(scan.headings.map((h) => `${h.level}:${h.text}`)).toEqual(['1:Title', '2:Section']);
    expect(scan.unclosedFence).toBeNull();
  });

  it('reports a fence that is never closed, or closed by the wrong marker', () => {
    expect(scanMarkdown('# T\n\n```ts\nconst x = 1;\n\n## Later\n').unclosedFence).toEqual({
      marker: '```',
      line: 2,
    });
    expect(scanMarkdown('````\ncode\n```\n').unclosedFence).toEqual({ marker: '````', line: 0 });
    expect(scanMarkdown('~~~\ncode\n```\n').unclosedFence).toEqual({ marker: '~~~', line: 0 });
  });

  it('treats a closing heading sequence and an info string correctly', () => {
    const scan = scanMarkdown('## Closed heading ##\n```ts title="x.ts"\n# x\n```\n#hashtag\n');
    expect(scan.headings).toEqual([{ level: 2, text: 'Closed heading', line: 0 }]);
  });
});

describe('built-in knowledge-base guides (content/guides)', () => {
  it('ships every required guide', () => {
    expect(files.map((f) => f.replace(/\.md$/, ''))).toEqual(expect.arrayContaining(REQUIRED_GUIDES));
  });

  describe.each(guides.map((g) => [g.slug, g] as const))('%s', (_slug, guide) => {
    it('has a kebab-case file name', () => {
      expect(guide.slug).toMatch(KEBAB);
    });

    it('has a title and a one-sentence summary in its front matter', () => {
      const { title, summary } = guide.front;
      expect(typeof title === 'string' && title.trim() !== '', 'title').toBe(true);
      expect(typeof summary === 'string' && summary.trim() !== '', 'summary').toBe(true);
      const s = (summary as string).trim();
      expect(s, 'summary ends a sentence').toMatch(/[.!?]$/);
      expect(s.slice(0, -1), 'summary is a single sentence').not.toMatch(/[.!?]\s+[A-Z]/);
    });

    it('has a non-empty list of unique lowercase kebab-case tags', () => {
      const { tags } = guide.front;
      expect(Array.isArray(tags), 'tags is a list').toBe(true);
      const list = tags as unknown[];
      expect(list.length).toBeGreaterThan(0);
      for (const tag of list) expect(tag).toMatch(KEBAB);
      expect(new Set(list).size, 'tags are unique').toBe(list.length);
    });

    it('opens with exactly one H1, equal to the title', () => {
      const h1 = guide.scan.headings.filter((h) => h.level === 1);
      expect(h1.map((h) => h.text)).toEqual([guide.front.title]);
      expect(guide.scan.headings[0], 'the H1 comes before every other heading').toBe(h1[0]);
    });

    it('has at least 3 distinct ## sections, each with real content', () => {
      const h2 = guide.scan.headings.filter((h) => h.level === 2);
      expect(h2.length).toBeGreaterThanOrEqual(3);
      expect(new Set(h2.map((h) => h.text.toLowerCase())).size, 'section headings are unique').toBe(
        h2.length,
      );
      h2.forEach((h, i) => {
        const end = h2[i + 1]?.line ?? guide.scan.lines.length;
        const words = countWords(guide.scan.lines.slice(h.line + 1, end).join('\n'));
        expect(words, `words under "## ${h.text}"`).toBeGreaterThanOrEqual(30);
      });
    });

    it('is between 500 and 1,600 words long', () => {
      const words = countWords(guide.body);
      expect(words).toBeGreaterThanOrEqual(500);
      expect(words).toBeLessThanOrEqual(1600);
    });

    it('closes every fenced code block', () => {
      expect(guide.scan.unclosedFence).toBeNull();
    });
  });
});
