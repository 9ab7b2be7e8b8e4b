import Link from 'next/link';
import { ArrowRight, ClipboardCheck, Layers, Search, SlidersHorizontal } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Container } from '@/components/page-header';
import { PromptCard } from '@/components/prompt-card';
import { getLabels, loadContent, toSummary } from '@/lib/content';
import { PATTERN_CATEGORIES, PATTERN_CATEGORY_INFO, type PromptDetail } from '@/lib/types';

/** A varied handful: the first prompt of each category, in taxonomy order. */
function featured(prompts: PromptDetail[], categoryOrder: string[], count: number): PromptDetail[] {
  const picks: PromptDetail[] = [];
  for (const category of categoryOrder) {
    const p = prompts.find((x) => x.category === category);
    if (p) picks.push(p);
    if (picks.length === count) return picks;
  }
  for (const p of prompts) {
    if (picks.length === count) break;
    if (!picks.includes(p)) picks.push(p);
  }
  return picks;
}

export default async function HomePage() {
  const content = await loadContent();
  const labels = await getLabels();
  const picks = featured(content.prompts, [...content.categories.keys()], 6);
  const usedRoles = content.facets.roles.filter((r) => r.count > 0);
  const stats = [
    { value: content.prompts.length, label: 'prompt templates' },
    { value: content.patterns.length, label: 'prompt patterns' },
    { value: usedRoles.length, label: 'engineering roles' },
    { value: content.facets.categories.filter((c) => c.count > 0).length, label: 'kinds of work' },
  ];

  return (
    <>
      <section className="relative overflow-hidden border-b">
        <div
          aria-hidden="true"
          className="pointer-events-none absolute inset-0 bg-[radial-gradient(60rem_30rem_at_50%_-10%,color-mix(in_oklab,var(--primary)_16%,transparent),transparent)]"
        />
        <Container className="relative grid justify-items-center gap-6 py-16 text-center sm:py-24">
          <span className="inline-flex items-center gap-2 rounded-full border bg-card px-3 py-1 text-xs font-medium text-muted-foreground shadow-xs">
            <span className="size-1.5 rounded-full bg-primary" aria-hidden="true" />
            Prompt library for engineering teams
          </span>
          <h1 className="max-w-3xl text-4xl font-semibold tracking-tight text-balance sm:text-6xl">
            Get good at working with&nbsp;AI
          </h1>
          <p className="max-w-2xl text-lg text-pretty text-muted-foreground">
            Engify is a searchable library of battle-tested prompt templates and the prompt patterns behind
            them — for code review, debugging, incidents, planning and everything else your team does.
          </p>
          <form
            action="/library"
            method="get"
            role="search"
            aria-label="Library"
            className="relative w-full max-w-xl"
          >
            <label htmlFor="home-search" className="sr-only">
              Search the library
            </label>
            <Search
              className="pointer-events-none absolute top-1/2 left-3.5 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden="true"
            />
            <Input
              id="home-search"
              type="search"
              name="q"
              placeholder="Try “code review”, “postmortem” or “test plan”"
              className="h-12 rounded-lg pr-28 pl-10 text-base shadow-sm md:text-base"
            />
            <Button type="submit" className="absolute top-1/2 right-1.5 -translate-y-1/2">
              Search
            </Button>
          </form>
          <div className="flex flex-wrap justify-center gap-3">
            <Button asChild size="lg">
              <Link href="/library">
                Browse the library <ArrowRight aria-hidden="true" />
              </Link>
            </Button>
            <Button asChild size="lg" variant="outline">
              <Link href="/patterns">Learn the patterns</Link>
            </Button>
          </div>
        </Container>
      </section>

      <Container className="py-12 sm:py-16">
        <h2 className="sr-only">Engify in numbers</h2>
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
          {stats.map((s) => (
            <div key={s.label} className="flex flex-col gap-1 rounded-xl border bg-card px-5 py-4 shadow-xs">
              <dt className="text-sm text-muted-foreground">{s.label}</dt>
              <dd className="order-first text-3xl font-semibold tracking-tight tabular-nums">{s.value}</dd>
            </div>
          ))}
        </dl>
      </Container>

      <Container className="pb-12 sm:pb-16">
        <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 className="text-2xl font-semibold tracking-tight">Featured prompts</h2>
            <p className="text-muted-foreground">A few favourites to start with.</p>
          </div>
          <Button asChild variant="ghost">
            <Link href="/library">
              All {content.prompts.length} prompts <ArrowRight aria-hidden="true" />
            </Link>
          </Button>
        </div>
        {picks.length > 0 ? (
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {picks.map((p) => (
              <li key={p.slug}>
                <PromptCard prompt={toSummary(p)} labels={labels} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="rounded-xl border border-dashed px-5 py-8 text-center text-sm text-muted-foreground">
            Prompts are on their way.
          </p>
        )}
      </Container>

      <section className="border-y bg-muted/40">
        <Container className="grid gap-8 py-12 sm:py-16 md:grid-cols-3">
          {[
            {
              icon: SlidersHorizontal,
              title: 'Find',
              text: 'Search by task, or filter by your role, the kind of work, the pattern and difficulty.',
            },
            {
              icon: Layers,
              title: 'Fill in',
              text: 'Each template asks only for what it needs and shows the finished prompt as you type.',
            },
            {
              icon: ClipboardCheck,
              title: 'Copy',
              text: 'One click puts the prompt on your clipboard, ready for whichever AI assistant you use.',
            },
          ].map((step, i) => (
            <div key={step.title} className="grid content-start gap-2">
              <div className="flex items-center gap-3">
                <span className="flex size-9 items-center justify-center rounded-lg bg-primary/10 text-primary">
                  <step.icon className="size-4.5" aria-hidden="true" />
                </span>
                <h2 className="font-semibold">
                  <span className="sr-only">Step {i + 1}: </span>
                  {step.title}
                </h2>
              </div>
              <p className="text-sm leading-relaxed text-muted-foreground">{step.text}</p>
            </div>
          ))}
        </Container>
      </section>

      <Container className="grid gap-12 py-12 sm:py-16 lg:grid-cols-2">
        <section aria-labelledby="patterns-heading">
          <h2 id="patterns-heading" className="text-2xl font-semibold tracking-tight">
            Learn the patterns
          </h2>
          <p className="mt-1 mb-5 text-muted-foreground">
            {content.patterns.length} techniques that make prompts work, from the basics to multi-step
            workflows.
          </p>
          <ul className="grid gap-3 sm:grid-cols-2">
            {PATTERN_CATEGORIES.map((category) => {
              const count = content.patterns.filter((p) => p.category === category).length;
              const info = PATTERN_CATEGORY_INFO[category];
              return (
                <li
                  key={category}
                  className="relative rounded-xl border bg-card p-4 shadow-xs transition-colors hover:border-primary/40"
                >
                  <h3 className="flex items-center justify-between font-medium">
                    <Link
                      href={`/patterns#${category.toLowerCase()}`}
                      className="after:absolute after:inset-0 after:rounded-xl after:content-[''] hover:text-primary"
                    >
                      {info.label}
                    </Link>
                    <span className="text-xs font-normal text-muted-foreground tabular-nums">
                      {count} patterns
                    </span>
                  </h3>
                  <p className="mt-1 text-sm leading-relaxed text-muted-foreground">{info.blurb}</p>
                </li>
              );
            })}
          </ul>
        </section>
        <section aria-labelledby="roles-heading">
          <h2 id="roles-heading" className="text-2xl font-semibold tracking-tight">
            Browse by role
          </h2>
          <p className="mt-1 mb-5 text-muted-foreground">Prompts picked for the work you actually do.</p>
          <ul className="flex flex-wrap gap-2">
            {usedRoles.map((r) => (
              <li key={r.id}>
                <Link
                  href={`/library?role=${encodeURIComponent(r.id)}`}
                  className="inline-flex h-9 items-center gap-2 rounded-full border bg-card px-4 text-sm font-medium shadow-xs transition-colors hover:bg-accent hover:text-accent-foreground"
                >
                  {r.label}
                  <span className="text-xs text-muted-foreground tabular-nums">{r.count}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      </Container>
    </>
  );
}
