import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AdminUsersPage } from '@/components/admin/users-table';
import { Container, PageHeader } from '@/components/page-header';
import { PageSkeleton } from '@/components/session/require-session';

export const metadata: Metadata = { title: 'Users · Admin', robots: { index: false } };

export default function AdminUsers() {
  return (
    <Container className="py-10 sm:py-14">
      <PageHeader
        eyebrow="Admin"
        title="Users"
        description="Everyone with an account, and their plan."
        className="mb-8"
      />
      <Suspense fallback={<PageSkeleton />}>
        <AdminUsersPage />
      </Suspense>
    </Container>
  );
}
