import type { Metadata } from 'next';
import { Suspense } from 'react';
import Link from 'next/link';
import { ChevronRight } from 'lucide-react';
import { RunDetailPage, RunDetailSkeleton } from '@/components/ai/run-detail';
import { Container, PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Run', robots: { index: false } };

/** `/history/run?id=…` (a query string, not a route segment: the site is a static export). */
export default function Run() {
  return (
    <Container className="py-8 sm:py-12">
      <nav aria-label="Breadcrumb" className="mb-6">
        <ol className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground">
          <li>
            <Link href="/history" className="rounded-sm hover:text-foreground">
              History
            </Link>
          </li>
          <li aria-hidden="true">
            <ChevronRight className="size-3.5" />
          </li>
          <li aria-current="page" className="text-foreground">
            Run
          </li>
        </ol>
      </nav>
      <PageHeader title="Run" className="mb-6" />
      <Suspense fallback={<RunDetailSkeleton />}>
        <RunDetailPage />
      </Suspense>
    </Container>
  );
}
