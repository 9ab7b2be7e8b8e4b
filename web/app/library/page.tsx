import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LibraryFromUrl, LibraryStatic, type LibraryData } from '@/components/library/library-view';
import { Container, PageHeader } from '@/components/page-header';
import { getLabels, loadContent, toSummary } from '@/lib/content';
import { PAGE_SIZE } from '@/lib/library-query';

export const metadata: Metadata = {
  title: 'Prompt library',
  description: 'Search and filter prompt templates by role, category, prompt pattern and difficulty.',
};

export default async function LibraryPage() {
  const content = await loadContent();
  const data: LibraryData = {
    initial: {
      items: content.prompts.slice(0, PAGE_SIZE).map(toSummary),
      total: content.prompts.length,
      nextCursor: null,
    },
    // Tags have no select (a tag filter arrives via links), so their long list stays out of the payload.
    facets: { ...content.facets, tags: [] },
    labels: await getLabels(),
  };
  return (
    <Container className="py-10 sm:py-14">
      <PageHeader
        title="Prompt library"
        description="Ready-to-use prompt templates for everyday engineering work. Fill in the blanks, copy, and paste into your AI assistant."
        className="mb-8"
      />
      {/* The URL-driven view needs the query string, which only exists in the browser; the
          fallback is the pre-rendered first page of the full list with the same markup. */}
      <Suspense fallback={<LibraryStatic {...data} />}>
        <LibraryFromUrl {...data} />
      </Suspense>
    </Container>
  );
}
