import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AiNav } from '@/components/ai/ai-nav';
import { WorkbenchPage, WorkbenchSkeleton } from '@/components/ai/workbench-page';
import { Container, PageHeader } from '@/components/page-header';
import { getLabels } from '@/lib/content';

export const metadata: Metadata = { title: 'Workbench', robots: { index: false } };

/** `/workbench`, or `/workbench?prompt=<slug>` to open a library prompt. */
export default async function Workbench() {
  const labels = await getLabels();
  return (
    <Container className="py-8 sm:py-12">
      <PageHeader
        title="Workbench"
        description="Run a library prompt or your own messages on your provider keys and watch the answer stream in."
        className="mb-6"
      />
      <AiNav className="mb-8" />
      <Suspense fallback={<WorkbenchSkeleton />}>
        <WorkbenchPage labels={labels} />
      </Suspense>
    </Container>
  );
}
