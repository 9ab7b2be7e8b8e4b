import type { Metadata } from 'next';
import { Suspense } from 'react';
import { ChatPage, ChatSkeleton } from '@/components/chat/chat-page';
import { Container, PageHeader } from '@/components/page-header';

export const metadata: Metadata = { title: 'Chat', robots: { index: false } };

export default function Chat() {
  return (
    <Container className="py-8 sm:py-12">
      <PageHeader
        title="Chat"
        description="Ask questions on your provider keys. With the knowledge base on, answers cite the passages they draw on."
        className="mb-8"
      />
      <Suspense fallback={<ChatSkeleton />}>
        <ChatPage />
      </Suspense>
    </Container>
  );
}
