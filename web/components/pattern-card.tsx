import Link from 'next/link';
import { DifficultyBadge } from '@/components/difficulty-badge';
import type { PatternSummary } from '@/lib/types';
import { pluralize } from '@/lib/utils';

export function PatternCard({
  pattern,
  headingLevel = 3,
}: {
  pattern: PatternSummary;
  headingLevel?: 2 | 3;
}) {
  const Heading = `h${headingLevel}` as 'h3';
  return (
    <article className="group relative flex h-full flex-col gap-2.5 rounded-xl border bg-card p-5 shadow-xs transition-[border-color,box-shadow] hover:border-primary/40 hover:shadow-md">
      <div className="flex items-center justify-between gap-2">
        <DifficultyBadge level={pattern.level} />
        <span className="text-xs text-muted-foreground tabular-nums">
          {pluralize(pattern.promptCount, 'prompt')}
        </span>
      </div>
      <Heading className="font-semibold tracking-tight">
        <Link
          href={`/patterns/${pattern.id}`}
          className="rounded-sm outline-none after:absolute after:inset-0 after:rounded-xl after:content-[''] group-hover:text-primary focus-visible:after:outline-2 focus-visible:after:outline-offset-2 focus-visible:after:outline-ring"
        >
          {pattern.name}
        </Link>
      </Heading>
      <p className="text-sm leading-relaxed text-muted-foreground">{pattern.summary}</p>
    </article>
  );
}
