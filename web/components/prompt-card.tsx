import Link from 'next/link';
import { Layers, Star, Users } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { VisibilityBadge } from '@/components/visibility-badge';
import { promptHref, type Labels, type PromptSummary } from '@/lib/types';
import { cn, labelFromId, pluralize } from '@/lib/utils';

/** One prompt in a list. The whole card is clickable through the title link (stretched link). */
export function PromptCard({
  prompt,
  labels,
  headingLevel = 3,
  className,
}: {
  prompt: PromptSummary;
  labels: Labels;
  headingLevel?: 2 | 3;
  className?: string;
}) {
  const Heading = `h${headingLevel}` as 'h3';
  const roleLabels = prompt.roles.map((r) => labels.roles[r] ?? labelFromId(r));
  const patternLabels = prompt.patterns.map((p) => labels.patterns[p] ?? labelFromId(p));
  return (
    <article
      className={cn(
        'group relative flex h-full flex-col gap-3 rounded-xl border bg-card p-5 text-card-foreground shadow-xs transition-[border-color,box-shadow] hover:border-primary/40 hover:shadow-md focus-within:border-primary/50',
        className,
      )}
    >
      <div className="flex flex-wrap items-center gap-1.5">
        <Badge variant="secondary">
          {labels.categories[prompt.category] ?? labelFromId(prompt.category)}
        </Badge>
        <DifficultyBadge level={prompt.difficulty} />
        {prompt.source === 'user' && <Badge variant="outline">Custom</Badge>}
        {prompt.source === 'user' && prompt.visibility === 'private' && (
          <VisibilityBadge visibility="private" />
        )}
      </div>
      <Heading className="text-base leading-snug font-semibold tracking-tight">
        <Link
          href={promptHref(prompt)}
          prefetch={false}
          className="rounded-sm outline-none after:absolute after:inset-0 after:rounded-xl after:content-[''] group-hover:text-primary focus-visible:after:outline-2 focus-visible:after:outline-offset-2 focus-visible:after:outline-ring"
        >
          {prompt.title}
        </Link>
      </Heading>
      <p className="line-clamp-3 text-sm leading-relaxed text-muted-foreground">{prompt.description}</p>
      <dl className="mt-auto grid gap-1.5 pt-1 text-xs text-muted-foreground">
        {roleLabels.length > 0 && (
          <div className="flex items-start gap-2">
            <dt>
              <Users className="mt-px size-3.5" aria-hidden="true" />
              <span className="sr-only">Roles</span>
            </dt>
            <dd className="line-clamp-1">{roleLabels.join(', ')}</dd>
          </div>
        )}
        {patternLabels.length > 0 && (
          <div className="flex items-start gap-2">
            <dt>
              <Layers className="mt-px size-3.5" aria-hidden="true" />
              <span className="sr-only">Patterns</span>
            </dt>
            <dd className="line-clamp-1">{patternLabels.join(', ')}</dd>
          </div>
        )}
        {prompt.rating && prompt.rating.count > 0 && prompt.rating.average !== null && (
          <div className="flex items-start gap-2">
            <dt>
              <Star className="mt-px size-3.5" aria-hidden="true" />
              <span className="sr-only">Rating</span>
            </dt>
            <dd>
              {prompt.rating.average.toFixed(1)} out of 5 · {pluralize(prompt.rating.count, 'rating')}
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}
