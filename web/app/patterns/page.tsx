import type { Metadata } from 'next';
import { Container, PageHeader } from '@/components/page-header';
import { PatternCard } from '@/components/pattern-card';
import { loadContent, toPatternSummary } from '@/lib/content';
import { PATTERN_CATEGORIES, PATTERN_CATEGORY_INFO } from '@/lib/types';

export const metadata: Metadata = {
  title: 'Prompt patterns',
  description:
    'Reusable prompt patterns, from foundational techniques to iterative workflows, with examples and pitfalls.',
};

export default async function PatternsPage() {
  const { patterns } = await loadContent();
  const groups = PATTERN_CATEGORIES.map((category) => ({
    category,
    info: PATTERN_CATEGORY_INFO[category],
    patterns: patterns.filter((p) => p.category === category),
  })).filter((g) => g.patterns.length > 0);

  return (
    <Container className="py-10 sm:py-14">
      <PageHeader
        title="Prompt patterns"
        description="The techniques behind good prompts. Learn what each pattern does, when to reach for it and the mistakes to avoid — then see it at work in real templates."
        className="mb-8"
      />
      {groups.length > 1 && (
        <nav aria-label="Pattern categories" className="mb-10">
          <ul className="flex flex-wrap gap-2">
            {groups.map((g) => (
              <li key={g.category}>
                <a
                  href={`#${g.category.toLowerCase()}`}
                  className="inline-flex h-8 items-center gap-2 rounded-full border bg-card px-3.5 text-sm font-medium shadow-xs transition-colors hover:bg-accent hover:text-accent-foreground"
                >
                  {g.info.label}
                  <span className="text-xs text-muted-foreground tabular-nums">{g.patterns.length}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="grid gap-12">
        {groups.map((g) => (
          <section
            key={g.category}
            id={g.category.toLowerCase()}
            aria-labelledby={`${g.category}-heading`}
            className="scroll-mt-20"
          >
            <div className="mb-4 grid gap-1">
              <h2 id={`${g.category}-heading`} className="text-xl font-semibold tracking-tight">
                {g.info.label}
              </h2>
              <p className="text-sm text-muted-foreground">{g.info.blurb}</p>
            </div>
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {g.patterns.map((p) => (
                <li key={p.id}>
                  <PatternCard pattern={toPatternSummary(p)} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </Container>
  );
}
