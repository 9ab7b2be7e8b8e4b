import type { Metadata } from 'next';
import { Suspense } from 'react';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChevronRight, Hash, Layers, Users } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Container } from '@/components/page-header';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { PromptCard } from '@/components/prompt-card';
import { PromptActions, PromptActionsSkeleton } from '@/components/prompt/prompt-actions';
import { PromptWorkbench } from '@/components/prompt/workbench';
import { getLabels, getPrompt, loadContent, toSummary } from '@/lib/content';
import { PATTERN_CATEGORY_INFO } from '@/lib/types';
import { labelFromId } from '@/lib/utils';

export const dynamicParams = false;

export async function generateStaticParams(): Promise<{ slug: string }[]> {
  const { prompts } = await loadContent();
  return prompts.map((p) => ({ slug: p.slug }));
}

type Props = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const prompt = await getPrompt((await params).slug);
  if (!prompt) return {};
  return { title: prompt.title, description: prompt.description };
}

export default async function PromptPage({ params }: Props) {
  const { slug } = await params;
  const prompt = await getPrompt(slug);
  if (!prompt) notFound();
  const content = await loadContent();
  const labels = await getLabels();
  const categoryLabel = labels.categories[prompt.category] ?? labelFromId(prompt.category);
  const patterns = prompt.patterns
    .map((id) => content.patterns.find((p) => p.id === id))
    .filter((p) => p !== undefined);
  const related = content.prompts
    .filter((p) => p.slug !== prompt.slug && p.category === prompt.category)
    .sort(
      (a, b) =>
        b.patterns.filter((x) => prompt.patterns.includes(x)).length -
        a.patterns.filter((x) => prompt.patterns.includes(x)).length,
    )
    .slice(0, 3);

  return (
    <Container className="py-8 sm:py-12">
      <nav aria-label="Breadcrumb" className="mb-6">
        <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
          <li>
            <Link href="/library" className="rounded-sm hover:text-foreground">
              Library
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li>
            <Link
              href={`/library?category=${encodeURIComponent(prompt.category)}`}
              className="rounded-sm hover:text-foreground"
            >
              {categoryLabel}
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li aria-current="page" className="truncate text-foreground">
            {prompt.title}
          </li>
        </ol>
      </nav>

      <header className="mb-8 grid gap-4">
        <div className="flex flex-wrap items-center gap-2">
          <Badge variant="secondary" asChild>
            <Link href={`/library?category=${encodeURIComponent(prompt.category)}`}>{categoryLabel}</Link>
          </Badge>
          <DifficultyBadge level={prompt.difficulty} />
        </div>
        <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{prompt.title}</h1>
        <p className="max-w-3xl text-base text-pretty text-muted-foreground sm:text-lg">
          {prompt.description}
        </p>
        {/* Favorite and rating depend on who is looking: loaded in the browser. */}
        <Suspense fallback={<PromptActionsSkeleton />}>
          <PromptActions slug={prompt.slug} />
        </Suspense>
        <dl className="grid gap-3 text-sm sm:grid-cols-[auto_1fr] sm:gap-x-4">
          <dt className="flex items-center gap-1.5 font-medium text-muted-foreground">
            <Users className="size-4" aria-hidden="true" /> For
          </dt>
          <dd className="flex flex-wrap gap-1.5">
            {prompt.roles.map((r) => (
              <Badge key={r} variant="outline" asChild>
                <Link href={`/library?role=${encodeURIComponent(r)}`}>
                  {labels.roles[r] ?? labelFromId(r)}
                </Link>
              </Badge>
            ))}
          </dd>
          <dt className="flex items-center gap-1.5 font-medium text-muted-foreground">
            <Layers className="size-4" aria-hidden="true" /> Patterns
          </dt>
          <dd className="flex flex-wrap gap-1.5">
            {prompt.patterns.map((id) => (
              <Badge key={id} variant="accent" asChild>
                <Link href={`/patterns/${id}`}>{labels.patterns[id] ?? labelFromId(id)}</Link>
              </Badge>
            ))}
          </dd>
          <dt className="flex items-center gap-1.5 font-medium text-muted-foreground">
            <Hash className="size-4" aria-hidden="true" /> Tags
          </dt>
          <dd className="flex flex-wrap gap-1.5">
            {prompt.tags.map((t) => (
              <Badge
                key={t}
                variant="outline"
                className="font-mono font-normal text-muted-foreground"
                asChild
              >
                <Link href={`/library?tag=${encodeURIComponent(t)}`}>#{t}</Link>
              </Badge>
            ))}
          </dd>
        </dl>
      </header>

      <PromptWorkbench template={prompt.template} variables={prompt.variables} runSlug={prompt.slug} />

      <details className="group mt-6 rounded-xl border bg-card shadow-xs">
        <summary className="cursor-pointer rounded-xl px-5 py-3.5 text-sm font-medium select-none hover:bg-muted/50">
          Template source
          <span className="ml-2 font-normal text-muted-foreground">
            <code className="font-mono text-xs">{'{{variable}}'}</code> placeholders,{' '}
            <code className="font-mono text-xs">{'{{#variable}}…{{/variable}}'}</code> optional sections
          </span>
        </summary>
        <pre className="mx-5 mb-5 overflow-x-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 whitespace-pre-wrap">
          {prompt.template}
        </pre>
      </details>

      {patterns.length > 0 && (
        <section aria-labelledby="patterns-heading" className="mt-14">
          <h2 id="patterns-heading" className="mb-4 text-xl font-semibold tracking-tight">
            Patterns this prompt uses
          </h2>
          <ul className="grid gap-4 md:grid-cols-2">
            {patterns.map((p) => (
              <li
                key={p.id}
                className="relative rounded-xl border bg-card p-5 shadow-xs transition-colors hover:border-primary/40"
              >
                <p className="mb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
                  {PATTERN_CATEGORY_INFO[p.category].label}
                </p>
                <h3 className="font-semibold">
                  <Link
                    href={`/patterns/${p.id}`}
                    className="after:absolute after:inset-0 after:content-[''] hover:text-primary"
                  >
                    {p.name}
                  </Link>
                </h3>
                <p className="mt-1 text-sm text-muted-foreground">{p.summary}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      {related.length > 0 && (
        <section aria-labelledby="related-heading" className="mt-14">
          <h2 id="related-heading" className="mb-4 text-xl font-semibold tracking-tight">
            More {categoryLabel.toLowerCase()} prompts
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {related.map((p) => (
              <li key={p.slug}>
                <PromptCard prompt={toSummary(p)} labels={labels} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </Container>
  );
}
