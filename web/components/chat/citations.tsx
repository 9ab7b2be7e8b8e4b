'use client';

import * as React from 'react';
import type { RagSource } from '@/lib/kb';

export type AnswerSegment = { kind: 'text'; text: string } | { kind: 'cite'; numbers: number[] };

/** `[1]`, `[2, 3]` and `[2,3]`; at most three digits, so `[2024-01]` and friends stay text. */
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/**
 * Splits an answer into text and citation markers. A marker becomes a citation only when every
 * number in it is a source of this answer (`[7]` with three sources stays text, as does a half-streamed
 * `[1`).
 */
export function splitCitations(text: string, isSource: (n: number) => boolean): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const numbers = (match[1] ?? '').split(',').map((s) => Number(s.trim()));
    if (!numbers.every((n) => Number.isInteger(n) && isSource(n))) continue;
    const at = match.index ?? 0;
    if (at > last) segments.push({ kind: 'text', text: text.slice(last, at) });
    segments.push({ kind: 'cite', numbers });
    last = at + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** The numbers an answer cites, in order of first use. */
export function citedNumbers(segments: AnswerSegment[]): number[] {
  const seen: number[] = [];
  for (const s of segments) {
    if (s.kind === 'cite') for (const n of s.numbers) if (!seen.includes(n)) seen.push(n);
  }
  return seen;
}

export const sourceElementId = (answerId: number, n: number) => `chat-${answerId}-source-${n}`;

/**
 * An answer's text with its citation markers as numbered links to the sources below it. Activating
 * one calls `onCite(n)`, which opens the sources panel and brings that source into view.
 */
export function AnswerText({
  segments,
  sources,
  answerId,
  onCite,
}: {
  segments: AnswerSegment[];
  sources: RagSource[];
  answerId: number;
  onCite: (n: number) => void;
}) {
  const byNumber = new Map(sources.map((s) => [s.n, s]));
  return (
    <>
      {segments.map((segment, i) =>
        segment.kind === 'text' ? (
          <React.Fragment key={i}>{segment.text}</React.Fragment>
        ) : (
          <span key={i} className="whitespace-nowrap">
            {segment.numbers.map((n) => {
              const source = byNumber.get(n);
              return (
                <a
                  key={n}
                  href={`#${sourceElementId(answerId, n)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    onCite(n);
                  }}
                  aria-label={`Source ${n}${source ? `: ${source.title}` : ''}`}
                  title={source ? [source.title, source.heading].filter(Boolean).join(' › ') : undefined}
                  className="mx-0.5 inline-flex h-[1.15rem] min-w-[1.15rem] -translate-y-0.5 items-center justify-center rounded-full bg-primary/10 px-1 align-baseline font-sans text-[11px] leading-none font-semibold text-primary no-underline transition-colors hover:bg-primary/20"
                  data-testid="citation"
                >
                  {n}
                </a>
              );
            })}
          </span>
        ),
      )}
    </>
  );
}
