import type { Metadata } from 'next';
import { Suspense } from 'react';
import { EditPromptPage, EditorSkeleton } from '@/components/my/editor-pages';
import { EditorBreadcrumb } from '@/components/my/editor-breadcrumb';
import { Container, PageHeader } from '@/components/page-header';
import { getEditorOptions } from '@/lib/content';

export const metadata: Metadata = { title: 'Edit prompt', robots: { index: false } };

/** `/my/prompts/edit?slug=…` (a query string, not a route segment: the site is a static export). */
export default async function EditPrompt() {
  return (
    <Container className="py-8 sm:py-12">
      <EditorBreadcrumb current="Edit prompt" />
      <PageHeader title="Edit prompt" className="mb-8" />
      <Suspense fallback={<EditorSkeleton />}>
        <EditPromptPage options={await getEditorOptions()} />
      </Suspense>
    </Container>
  );
}
