import type { Metadata } from 'next';
import { Suspense } from 'react';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ListSkeleton, MyPromptsPage } from '@/components/my/my-prompts';
import { Container, PageHeader } from '@/components/page-header';
import { getLabels } from '@/lib/content';

export const metadata: Metadata = { title: 'My prompts', robots: { index: false } };

export default async function MyPrompts() {
  const labels = await getLabels();
  return (
    <Container className="py-10 sm:py-14">
      <div className="mb-8 flex flex-wrap items-end justify-between gap-4">
        <PageHeader
          title="My prompts"
          description="Templates you wrote. Private ones are visible only to you."
        />
        <Button asChild>
          <Link href="/my/prompts/new">
            <Plus aria-hidden="true" /> New prompt
          </Link>
        </Button>
      </div>
      <Suspense fallback={<ListSkeleton />}>
        <MyPromptsPage labels={labels} />
      </Suspense>
    </Container>
  );
}
