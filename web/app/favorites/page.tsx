import type { Metadata } from 'next';
import { Suspense } from 'react';
import { CardsSkeleton, FavoritesPage } from '@/components/my/favorites';
import { Container, PageHeader } from '@/components/page-header';
import { getLabels } from '@/lib/content';

export const metadata: Metadata = { title: 'Favorites', robots: { index: false } };

export default async function Favorites() {
  const labels = await getLabels();
  return (
    <Container className="py-10 sm:py-14">
      <PageHeader title="Favorites" description="Prompts you marked with “Favorite”." className="mb-8" />
      <Suspense fallback={<CardsSkeleton />}>
        <FavoritesPage labels={labels} />
      </Suspense>
    </Container>
  );
}
