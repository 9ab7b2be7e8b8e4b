import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Container, PageHeader } from '@/components/page-header';
import { KeysSkeleton, ProviderKeysPage } from '@/components/settings/provider-keys';

export const metadata: Metadata = { title: 'Provider keys', robots: { index: false } };

export default function ProviderKeys() {
  return (
    <Container className="max-w-3xl py-10 sm:py-14">
      <PageHeader
        eyebrow="Settings"
        title="Provider keys"
        description="Your own API keys for running prompts: OpenAI, Anthropic, Google Gemini or an OpenAI-compatible server."
        className="mb-8"
      />
      <Suspense fallback={<KeysSkeleton />}>
        <ProviderKeysPage />
      </Suspense>
    </Container>
  );
}
