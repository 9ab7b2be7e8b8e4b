'use client';

import { Play, Square, type LucideIcon } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { formatWait } from './run-output';
import { RunShortcut } from './shortcuts';

/**
 * The start / Stop button of a run page and the shortcut hint beside it. While a rate limit's
 * Retry-After counts down the start button waits and says for how long. Without `onRun` the start
 * button submits its form.
 */
export function RunControls({
  running,
  onStop,
  onRun,
  disabled = false,
  waitSeconds,
  label = 'Run',
  icon: Icon = Play,
  stopLabel = 'Stop',
  hint = 'runs from anywhere on the page',
  describedBy,
}: {
  running: boolean;
  onStop: () => void;
  onRun?: () => void;
  disabled?: boolean;
  waitSeconds: number;
  label?: string;
  icon?: LucideIcon;
  stopLabel?: string;
  /** After the shortcut, while nothing runs. */
  hint?: string;
  /** The id of an error the start button should announce. */
  describedBy?: string;
}) {
  return (
    <>
      {running ? (
        <Button type="button" variant="destructive" onClick={onStop} className="min-w-28">
          <Square className="fill-current" aria-hidden="true" /> {stopLabel}
        </Button>
      ) : (
        <Button
          type={onRun ? 'button' : 'submit'}
          onClick={onRun}
          disabled={disabled || waitSeconds > 0}
          className="min-w-28"
          aria-describedby={describedBy}
        >
          <Icon aria-hidden="true" /> {waitSeconds > 0 ? `Wait ${formatWait(waitSeconds)}` : label}
        </Button>
      )}
      <p className="flex items-center gap-1.5 text-xs text-muted-foreground">
        <RunShortcut /> {running ? 'Esc stops' : hint}
      </p>
    </>
  );
}
