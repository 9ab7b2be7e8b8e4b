import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AiNav } from '@/components/ai/ai-nav';
import { ComparePage, CompareSkeleton } from '@/components/ai/compare-page';
import { Container, PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Compare', robots: { index: false } };

export default function Compare() {
  return (
    <Container className="py-8 sm:py-12">
      <PageHeader
        title="Compare"
        description="Send one prompt to two to four models at once and compare the answers, speed and cost side by side."
        className="mb-6"
      />
      <AiNav className="mb-8" />
      <Suspense fallback={<CompareSkeleton />}>
        <ComparePage />
      </Suspense>
    </Container>
  );
}
