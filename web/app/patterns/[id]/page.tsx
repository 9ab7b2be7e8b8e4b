import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ArrowRight, CheckCircle2, ChevronRight, Lightbulb, XCircle } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Container } from '@/components/page-header';
import { DifficultyBadge } from '@/components/difficulty-badge';
import { PatternCard } from '@/components/pattern-card';
import { PromptCard } from '@/components/prompt-card';
import { RichText, renderInline } from '@/components/rich-text';
import { getLabels, getPattern, loadContent, toPatternSummary, toSummary } from '@/lib/content';
import { PATTERN_CATEGORY_INFO } from '@/lib/types';

export const dynamicParams = false;

export async function generateStaticParams(): Promise<{ id: string }[]> {
  const { patterns } = await loadContent();
  return patterns.map((p) => ({ id: p.id }));
}

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const pattern = await getPattern((await params).id);
  if (!pattern) return {};
  return { title: `${pattern.name} pattern`, description: pattern.summary };
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="grid gap-4">
      <h2 id={id} className="text-xl font-semibold tracking-tight">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default async function PatternPage({ params }: Props) {
  const { id } = await params;
  const pattern = await getPattern(id);
  if (!pattern) notFound();
  const content = await loadContent();
  const labels = await getLabels();
  const info = PATTERN_CATEGORY_INFO[pattern.category];
  const prompts = content.prompts.filter((p) => p.patterns.includes(pattern.id));
  const related = pattern.relatedPatterns
    .map((rid) => content.patterns.find((p) => p.id === rid))
    .filter((p) => p !== undefined);

  return (
    <Container className="py-8 sm:py-12">
      <nav aria-label="Breadcrumb" className="mb-6">
        <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
          <li>
            <Link href="/patterns" className="rounded-sm hover:text-foreground">
              Patterns
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li>
            <Link
              href={`/patterns#${pattern.category.toLowerCase()}`}
              className="rounded-sm hover:text-foreground"
            >
              {info.label}
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li aria-current="page" className="text-foreground">
            {pattern.name}
          </li>
        </ol>
      </nav>

      <header className="mb-10 grid gap-4">
        <div className="flex flex-wrap items-center gap-2">
          <Badge variant="accent">{info.label}</Badge>
          <DifficultyBadge level={pattern.level} />
        </div>
        <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{pattern.name}</h1>
        <p className="max-w-3xl text-base text-pretty text-muted-foreground sm:text-lg">{pattern.summary}</p>
      </header>

      <div className="grid gap-12 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="grid min-w-0 content-start gap-12">
          <Section id="how-heading" title="How it works">
            <RichText text={pattern.howItWorks} />
          </Section>

          <Section id="example-heading" title="Example">
            <div className="overflow-hidden rounded-xl border bg-card shadow-xs">
              <div className="border-b px-5 py-4">
                <p className="text-xs font-medium tracking-wide text-muted-foreground uppercase">Scenario</p>
                <div className="mt-1 text-sm leading-relaxed">{renderInline(pattern.example.scenario)}</div>
              </div>
              <div className="px-5 py-4">
                <p className="mb-2 text-xs font-medium tracking-wide text-muted-foreground uppercase">
                  Prompt
                </p>
                <pre className="overflow-x-auto rounded-lg border bg-code p-4 font-mono text-[13px] leading-6 break-words whitespace-pre-wrap">
                  {pattern.example.prompt}
                </pre>
              </div>
              <div className="flex gap-3 border-t bg-accent/40 px-5 py-4 text-sm leading-relaxed">
                <Lightbulb className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
                <div>
                  <span className="font-medium">Why it works: </span>
                  {renderInline(pattern.example.why)}
                </div>
              </div>
            </div>
          </Section>

          <Section id="use-heading" title="Use it for">
            <ul className="grid gap-2 sm:grid-cols-2">
              {pattern.useCases.map((u, i) => (
                <li
                  key={i}
                  className="flex gap-2.5 rounded-lg border bg-card px-4 py-3 text-sm leading-relaxed shadow-xs"
                >
                  <ArrowRight className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
                  <span>{renderInline(u, `u${i}`)}</span>
                </li>
              ))}
            </ul>
          </Section>

          <div className="grid gap-12 md:grid-cols-2 md:gap-8">
            <Section id="best-heading" title="Best practices">
              <ul className="grid gap-3">
                {pattern.bestPractices.map((b, i) => (
                  <li key={i} className="flex gap-2.5 text-sm leading-relaxed">
                    <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
                    <span>{renderInline(b, `b${i}`)}</span>
                  </li>
                ))}
              </ul>
            </Section>
            <Section id="mistakes-heading" title="Common mistakes">
              <ul className="grid gap-3">
                {pattern.commonMistakes.map((m, i) => (
                  <li key={i} className="flex gap-2.5 text-sm leading-relaxed">
                    <XCircle className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden="true" />
                    <span>{renderInline(m, `m${i}`)}</span>
                  </li>
                ))}
              </ul>
            </Section>
          </div>
        </div>

        <aside className="grid content-start gap-8" aria-label="Related">
          {related.length > 0 && (
            <section aria-labelledby="related-heading">
              <h2 id="related-heading" className="mb-3 text-sm font-semibold tracking-tight">
                Related patterns
              </h2>
              <ul className="grid gap-3">
                {related.map((p) => (
                  <li key={p.id}>
                    <PatternCard pattern={toPatternSummary(p)} />
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>

      <section aria-labelledby="prompts-heading" className="mt-14">
        <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
          <h2 id="prompts-heading" className="text-xl font-semibold tracking-tight">
            Prompts using {pattern.name}
            <span className="ml-2 text-base font-normal text-muted-foreground tabular-nums">
              {prompts.length}
            </span>
          </h2>
          {prompts.length > 0 && (
            <Button variant="outline" size="sm" asChild>
              <Link href={`/library?pattern=${encodeURIComponent(pattern.id)}`}>
                Open in library <ArrowRight aria-hidden="true" />
              </Link>
            </Button>
          )}
        </div>
        {prompts.length > 0 ? (
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {prompts.map((p) => (
              <li key={p.slug}>
                <PromptCard prompt={toSummary(p)} labels={labels} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="rounded-xl border border-dashed px-5 py-8 text-center text-sm text-muted-foreground">
            No built-in prompts use this pattern yet.
          </p>
        )}
      </section>
    </Container>
  );
}
