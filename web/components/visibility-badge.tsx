import { Globe, Lock } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import type { Visibility } from '@/lib/types';

export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  return visibility === 'private' ? (
    <Badge variant="outline" title="Only you can see this prompt">
      <Lock aria-hidden="true" /> Private
    </Badge>
  ) : (
    <Badge variant="outline" title="Everyone can find this prompt in the library">
      <Globe aria-hidden="true" /> Public
    </Badge>
  );
}
