import { Badge } from '@/components/ui/badge';
import { DIFFICULTY_LABEL, type Difficulty } from '@/lib/types';
import { cn } from '@/lib/utils';

const BARS: Record<Difficulty, number> = { beginner: 1, intermediate: 2, advanced: 3 };

export function DifficultyBadge({ level, className }: { level: Difficulty; className?: string }) {
  const bars = BARS[level] ?? 1;
  return (
    <Badge variant={level} className={cn('gap-1.5', className)}>
      <span aria-hidden="true" className="inline-flex items-end gap-[2px]">
        {[1, 2, 3].map((n) => (
          <span
            key={n}
            className={cn(
              'w-[3px] rounded-full bg-current',
              n === 1 ? 'h-1.5' : n === 2 ? 'h-2' : 'h-2.5',
              n <= bars ? 'opacity-100' : 'opacity-30',
            )}
          />
        ))}
      </span>
      {DIFFICULTY_LABEL[level] ?? level}
    </Badge>
  );
}
