import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Container } from '@/components/page-header';
import { RemotePrompt, RemotePromptSkeleton } from '@/components/prompt/remote-prompt';
import { getLabels } from '@/lib/content';

export const metadata: Metadata = { title: 'Prompt', robots: { index: false } };

/** Client-rendered page for prompts that only exist in the API (`/library/prompt?slug=…`). */
export default async function RemotePromptPage() {
  const labels = await getLabels();
  return (
    <Container className="py-8 sm:py-12">
      <Suspense fallback={<RemotePromptSkeleton />}>
        <RemotePrompt labels={labels} />
      </Suspense>
    </Container>
  );
}
