import * as React from 'react';
import { cn } from '@/lib/utils';

/**
 * A tiny, safe renderer for the Markdown-ish text in content files: paragraphs, `-`/`*` and `1.`
 * lists, `#` headings, `>` quotes, fenced code blocks, and inline `code`, **bold**, *italic* and
 * [links](https://…). Everything becomes React elements, so text is always escaped: no HTML passes through.
 */

type Block =
  | { kind: 'p'; text: string }
  | { kind: 'h'; level: number; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'ul' | 'ol'; items: string[] };

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const QUOTE = /^>\s?(.*)$/;
const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(fence[1] ?? '```'))
        body.push(lines[i++] ?? '');
      i++; // closing fence (or end of input)
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'h', level: heading[1]?.length ?? 1, text: heading[2] ?? '' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? ''))
        body.push(QUOTE.exec(lines[i++] ?? '')?.[1] ?? '');
      blocks.push({ kind: 'quote', text: body.join(' ') });
      continue;
    }
    const listKind = BULLET.test(line) ? 'ul' : NUMBERED.test(line) ? 'ol' : null;
    if (listKind) {
      const marker = listKind === 'ul' ? BULLET : NUMBERED;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const m = marker.exec(current);
        if (m) {
          items.push(m[1] ?? '');
        } else if (current.trim() !== '' && /^\s+/.test(current) && items.length > 0) {
          items[items.length - 1] += ` ${current.trim()}`; // indented continuation line
        } else {
          break;
        }
        i++;
      }
      blocks.push({ kind: listKind, items });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length) {
      const current = lines[i] ?? '';
      if (
        current.trim() === '' ||
        FENCE.test(current) ||
        HEADING.test(current) ||
        BULLET.test(current) ||
        NUMBERED.test(current) ||
        QUOTE.test(current)
      )
        break;
      body.push(current.trim());
      i++;
    }
    blocks.push({ kind: 'p', text: body.join(' ') });
  }
  return blocks;
}

const INLINE =
  /(`+)([^`]+?)\1|\*\*([^*]+?)\*\*|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])|\[([^\]]+)\]\(((?:https?:\/\/|\/)[^)\s]*)\)/g;

export function renderInline(text: string, keyPrefix = 'i'): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const key = `${keyPrefix}-${n++}`;
    if (m[2] !== undefined) {
      out.push(
        <code key={key} className="rounded bg-muted px-1.5 py-0.5 font-mono text-[0.85em] text-foreground">
          {m[2]}
        </code>,
      );
    } else if (m[3] !== undefined) {
      out.push(
        <strong key={key} className="font-semibold text-foreground">
          {renderInline(m[3], key)}
        </strong>,
      );
    } else if (m[4] !== undefined) {
      out.push(<em key={key}>{renderInline(m[4], key)}</em>);
    } else if (m[5] !== undefined && m[6] !== undefined) {
      const external = m[6].startsWith('http');
      out.push(
        <a
          key={key}
          href={m[6]}
          className="font-medium text-primary underline underline-offset-4"
          {...(external ? { rel: 'noopener noreferrer', target: '_blank' } : {})}
        >
          {m[5]}
        </a>,
      );
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function RichText({
  text,
  className,
  headingLevel = 3,
}: {
  text: string;
  className?: string;
  headingLevel?: 2 | 3 | 4;
}) {
  const blocks = parseBlocks(text);
  return (
    <div className={cn('space-y-4 leading-7 text-foreground/90', className)}>
      {blocks.map((block, i) => {
        const key = `b${i}`;
        switch (block.kind) {
          case 'p':
            return <p key={key}>{renderInline(block.text, key)}</p>;
          case 'h': {
            const level = Math.min(6, headingLevel + block.level - 1);
            const Tag = `h${level}` as 'h2';
            return (
              <Tag key={key} className="pt-2 text-base font-semibold text-foreground">
                {renderInline(block.text, key)}
              </Tag>
            );
          }
          case 'quote':
            return (
              <blockquote
                key={key}
                className="border-l-2 border-primary/40 pl-4 text-muted-foreground italic"
              >
                {renderInline(block.text, key)}
              </blockquote>
            );
          case 'code':
            return (
              <pre
                key={key}
                className="overflow-x-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6"
              >
                <code>{block.text}</code>
              </pre>
            );
          case 'ul':
          case 'ol': {
            const List = block.kind;
            return (
              <List
                key={key}
                className={cn(
                  'space-y-1.5 pl-6 marker:text-muted-foreground',
                  List === 'ul' ? 'list-disc' : 'list-decimal',
                )}
              >
                {block.items.map((item, j) => (
                  <li key={`${key}-${j}`} className="pl-1">
                    {renderInline(item, `${key}-${j}`)}
                  </li>
                ))}
              </List>
            );
          }
        }
      })}
    </div>
  );
}
