import type { Metadata } from 'next';
import { Suspense } from 'react';
import { EditorSkeleton, NewPromptPage } from '@/components/my/editor-pages';
import { EditorBreadcrumb } from '@/components/my/editor-breadcrumb';
import { Container, PageHeader } from '@/components/page-header';
import { getEditorOptions } from '@/lib/content';

export const metadata: Metadata = { title: 'New prompt', robots: { index: false } };

export default async function NewPrompt() {
  return (
    <Container className="py-8 sm:py-12">
      <EditorBreadcrumb current="New prompt" />
      <PageHeader
        title="New prompt"
        description="Write the template, mark the blanks with {{variables}}, and check the preview."
        className="mb-8"
      />
      <Suspense fallback={<EditorSkeleton />}>
        <NewPromptPage options={await getEditorOptions()} />
      </Suspense>
    </Container>
  );
}
