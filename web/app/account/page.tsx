import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AccountPage } from '@/components/account/account-view';
import { Container, PageHeader } from '@/components/page-header';
import { PageSkeleton } from '@/components/session/require-session';

export const metadata: Metadata = { title: 'Account', robots: { index: false } };

export default function Account() {
  return (
    <Container className="max-w-3xl py-10 sm:py-14">
      <PageHeader
        title="Account"
        description="Your profile, provider keys, API keys and sessions."
        className="mb-8"
      />
      <Suspense fallback={<PageSkeleton />}>
        <AccountPage />
      </Suspense>
    </Container>
  );
}
