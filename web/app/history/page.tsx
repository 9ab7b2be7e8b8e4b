import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AiNav } from '@/components/ai/ai-nav';
import { HistoryPage, HistorySkeleton } from '@/components/ai/history-page';
import { Container, PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'History', robots: { index: false } };

export default function History() {
  return (
    <Container className="py-8 sm:py-12">
      <PageHeader
        title="History"
        description="Every run on your provider keys, newest first, with its tokens, cost and speed."
        className="mb-6"
      />
      <AiNav className="mb-8" />
      <Suspense fallback={<HistorySkeleton />}>
        <HistoryPage />
      </Suspense>
    </Container>
  );
}
