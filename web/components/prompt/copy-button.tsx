'use client';

import * as React from 'react';
import { Check, Copy } from 'lucide-react';
import { Button, type ButtonProps } from '@/components/ui/button';

/** Copies text with the async Clipboard API, falling back to a hidden textarea + execCommand. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or unsupported: try the legacy path below.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.className = 'fixed top-0 left-0 -z-10 size-px opacity-0';
  const active = document.activeElement as HTMLElement | null;
  document.body.appendChild(area);
  area.select();
  area.setSelectionRange(0, text.length);
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  active?.focus({ preventScroll: true });
  return ok;
}

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({
  getText,
  onFailed,
  iconOnly = false,
  ...props
}: Omit<ButtonProps, 'onClick' | 'children'> & {
  getText: () => string;
  onFailed?: () => void;
  /** Just the icon (the label stays for screen readers and as a tooltip), for tight headers. */
  iconOnly?: boolean;
}) {
  const [state, setState] = React.useState<CopyState>('idle');
  const timer = React.useRef<number | undefined>(undefined);
  React.useEffect(() => () => window.clearTimeout(timer.current), []);

  const onClick = async () => {
    const ok = await copyText(getText());
    setState(ok ? 'copied' : 'failed');
    if (!ok) onFailed?.();
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), ok ? 2000 : 4000);
  };

  return (
    <>
      <Button onClick={onClick} title={iconOnly ? 'Copy' : undefined} {...props}>
        {state === 'copied' ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
        {iconOnly ? (
          <span className="sr-only">{state === 'copied' ? 'Copied' : 'Copy'}</span>
        ) : state === 'copied' ? (
          'Copied'
        ) : (
          'Copy'
        )}
      </Button>
      <span role="status" aria-live="polite" className="sr-only">
        {state === 'copied'
          ? 'Copied to clipboard'
          : state === 'failed'
            ? 'Copy failed. Select the text and copy it manually.'
            : ''}
      </span>
    </>
  );
}
