'use client';

import * as React from 'react';
import { Kbd } from '@/components/ui/kbd';

/**
 * Ctrl+Enter (⌘+Enter on a Mac) runs from anywhere on the page; Escape stops a running stream.
 * Keys pressed inside a dialog are left alone.
 */
export function useRunShortcuts(onRun: () => void, onStop: () => void, running: boolean): void {
  const latest = React.useRef({ onRun, onStop, running });
  React.useEffect(() => {
    latest.current = { onRun, onStop, running };
  });
  React.useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('[role="dialog"], [role="alertdialog"]')) return;
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        if (!latest.current.running) latest.current.onRun();
      } else if (e.key === 'Escape' && latest.current.running) {
        e.preventDefault();
        latest.current.onStop();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function useIsMac(): boolean {
  const [mac, setMac] = React.useState(false);
  React.useEffect(() => {
    const platform =
      (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ??
      navigator.platform ??
      '';
    setMac(/mac|iphone|ipad/i.test(platform));
  }, []);
  return mac;
}

/** "Ctrl Enter" (or "⌘ Enter") as key caps, with a screen-reader wording. */
export function RunShortcut({ className }: { className?: string }) {
  const mac = useIsMac();
  return (
    <span className={className}>
      <span className="sr-only">Shortcut: {mac ? 'Command' : 'Control'} plus Enter</span>
      <span aria-hidden="true" className="inline-flex items-center gap-1">
        <Kbd>{mac ? '⌘' : 'Ctrl'}</Kbd>
        <Kbd>Enter</Kbd>
      </span>
    </span>
  );
}
