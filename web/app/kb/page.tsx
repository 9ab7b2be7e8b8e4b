import type { Metadata } from 'next';
import { Suspense } from 'react';
import { KbSkeleton, KnowledgeBasePage } from '@/components/kb/kb-page';
import { Container, PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Knowledge base', robots: { index: false } };

/** `/kb`, or `/kb?collection=<name>` to show one collection. */
export default function KnowledgeBase() {
  return (
    <Container className="max-w-4xl py-8 sm:py-12">
      <PageHeader
        title="Knowledge base"
        description="Your documents, indexed for search. Chat answers from them and cites the passages it used."
        className="mb-8"
      />
      <Suspense fallback={<KbSkeleton />}>
        <KnowledgeBasePage />
      </Suspense>
    </Container>
  );
}
