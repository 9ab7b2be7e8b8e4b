'use client';

import * as React from 'react';
import Link from 'next/link';
import { Heart, Star } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Skeleton } from '@/components/ui/skeleton';
import { useCurrentPath, useSession } from '@/components/session/session-provider';
import { getPrompt, isAbort, ratePrompt, setFavorite, toApiError } from '@/lib/api';
import type { Rating, Viewer } from '@/lib/types';
import { cn, pluralize, signInHref } from '@/lib/utils';

export interface PromptSocial {
  rating: Rating;
  viewer?: Viewer;
}

const RATE_DEBOUNCE_MS = 400;

function ratingText(rating: Rating): string {
  if (rating.count === 0 || rating.average === null) return 'No ratings yet';
  return `${rating.average.toFixed(1)} · ${pluralize(rating.count, 'rating')}`;
}

function ratingLabel(rating: Rating): string {
  if (rating.count === 0 || rating.average === null) return 'No ratings yet';
  return `Rated ${rating.average.toFixed(1)} out of 5 from ${pluralize(rating.count, 'rating')}`;
}

/**
 * Favorite toggle and star rating for a prompt page. Viewer state (favorite, your stars) and the
 * average are fetched client-side with the session cookie; signed-out visitors get sign-in links.
 * `initial` skips the first fetch when the page already loaded the prompt. Must sit in a <Suspense>.
 */
export function PromptActions({
  slug,
  initial,
  className,
}: {
  slug: string;
  initial?: PromptSocial;
  className?: string;
}) {
  const { state: session } = useSession();
  const current = useCurrentPath();
  const sessionKey = session.status === 'loading' ? null : (session.user?.id ?? 'anonymous');
  const [data, setData] = React.useState<PromptSocial | null>(initial ?? null);
  const [failed, setFailed] = React.useState(false);
  const usedInitial = React.useRef(false);

  React.useEffect(() => {
    if (sessionKey === null) return;
    if (initial && !usedInitial.current) {
      usedInitial.current = true;
      return;
    }
    const controller = new AbortController();
    setFailed(false);
    getPrompt(slug, controller.signal)
      .then((p) => setData({ rating: p.rating ?? { average: null, count: 0 }, viewer: p.viewer }))
      .catch((err: unknown) => {
        if (!isAbort(err)) setFailed(true);
      });
    return () => controller.abort();
    // `initial` is only read on first use, so it is not a dependency.
  }, [slug, sessionKey]);

  if (sessionKey === null || (!data && !failed)) return <PromptActionsSkeleton className={className} />;
  // Without the API the page still works; the social bits just stay away.
  if (!data) return null;

  const signedIn = session.status === 'signed-in';
  return (
    <div
      className={cn('flex flex-wrap items-center gap-x-5 gap-y-3', className)}
      data-testid="prompt-actions"
    >
      {signedIn && data.viewer ? (
        <FavoriteToggle
          slug={slug}
          favorite={data.viewer.favorite}
          onChange={(favorite) =>
            setData((d) => (d && d.viewer ? { ...d, viewer: { ...d.viewer, favorite } } : d))
          }
        />
      ) : (
        <Button asChild variant="outline" size="sm" title="Sign in to save favorites">
          <Link href={signInHref(current)}>
            <Heart aria-hidden="true" /> Favorite
            <span className="sr-only"> (sign in to save favorites)</span>
          </Link>
        </Button>
      )}
      {signedIn && data.viewer ? (
        <RatingInput
          slug={slug}
          mine={data.viewer.rating}
          rating={data.rating}
          onRated={(stars, rating) =>
            setData((d) => (d && d.viewer ? { rating, viewer: { ...d.viewer, rating: stars } } : d))
          }
        />
      ) : (
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
          <Stars value={data.rating.average ?? 0} label={ratingLabel(data.rating)} />
          <span className="text-muted-foreground tabular-nums" aria-hidden="true">
            {ratingText(data.rating)}
          </span>
          <Link
            href={signInHref(current)}
            className="font-medium text-primary underline-offset-4 hover:underline"
          >
            Sign in to rate
          </Link>
        </div>
      )}
    </div>
  );
}

function FavoriteToggle({
  slug,
  favorite,
  onChange,
}: {
  slug: string;
  favorite: boolean;
  onChange: (favorite: boolean) => void;
}) {
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const toggle = async () => {
    const next = !favorite;
    setPending(true);
    setError(null);
    onChange(next);
    try {
      const res = await setFavorite(slug, next);
      onChange(res.favorite);
    } catch (err) {
      onChange(!next);
      setError(toApiError(err).message);
    } finally {
      setPending(false);
    }
  };
  return (
    <div className="flex items-center gap-2">
      <Button
        variant="outline"
        size="sm"
        aria-pressed={favorite}
        onClick={toggle}
        disabled={pending}
        title={favorite ? 'Remove from your favorites' : 'Add to your favorites'}
        className={cn(
          'disabled:opacity-100',
          favorite &&
            'border-rose-300 bg-rose-50 text-rose-700 hover:bg-rose-100 dark:border-rose-500/40 dark:bg-rose-500/10 dark:text-rose-300 dark:hover:bg-rose-500/20',
        )}
      >
        <Heart aria-hidden="true" className={cn(favorite && 'fill-current')} />
        Favorite
      </Button>
      {error && (
        <p role="alert" className="text-xs text-destructive">
          Couldn’t update favorites: {error}
        </p>
      )}
    </div>
  );
}

/** Read-only stars (decorative; `label` carries the meaning). */
function Stars({ value, label }: { value: number; label: string }) {
  const rounded = Math.round(value);
  return (
    <span role="img" aria-label={label} className="inline-flex items-center gap-0.5">
      {[1, 2, 3, 4, 5].map((n) => (
        <Star
          key={n}
          aria-hidden="true"
          className={cn(
            'size-4',
            n <= rounded ? 'fill-amber-400 text-amber-400' : 'text-muted-foreground/40',
          )}
        />
      ))}
    </span>
  );
}

/**
 * "Your rating": five native radio buttons (arrow keys move between stars, like any radio group),
 * drawn as stars. Saves after a short pause so arrowing across the stars sends one request.
 */
function RatingInput({
  slug,
  mine,
  rating,
  onRated,
}: {
  slug: string;
  mine: number | null;
  rating: Rating;
  onRated: (stars: number, rating: Rating) => void;
}) {
  const id = React.useId();
  const [value, setValue] = React.useState<number | null>(mine);
  const [hover, setHover] = React.useState<number | null>(null);
  const [status, setStatus] = React.useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [error, setError] = React.useState('');
  const timer = React.useRef<number | undefined>(undefined);
  const saved = React.useRef<number | null>(mine);
  React.useEffect(() => () => window.clearTimeout(timer.current), []);
  React.useEffect(() => {
    setValue(mine);
    saved.current = mine;
  }, [mine]);

  const choose = (stars: number) => {
    setValue(stars);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(async () => {
      if (saved.current === stars) return;
      setStatus('saving');
      try {
        const res = await ratePrompt(slug, stars);
        saved.current = res.stars;
        onRated(res.stars, res.rating);
        setStatus('saved');
      } catch (err) {
        setValue(saved.current);
        setError(toApiError(err).message);
        setStatus('error');
      }
    }, RATE_DEBOUNCE_MS);
  };

  const shown = hover ?? value ?? 0;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <span id={`${id}-label`} className="font-medium">
        Your rating
      </span>
      <div
        role="radiogroup"
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-summary`}
        className="inline-flex items-center"
        onMouseLeave={() => setHover(null)}
      >
        {[1, 2, 3, 4, 5].map((n) => (
          <label
            key={n}
            onMouseEnter={() => setHover(n)}
            className="cursor-pointer rounded-sm p-0.5 has-[input:focus-visible]:outline-2 has-[input:focus-visible]:outline-offset-1 has-[input:focus-visible]:outline-ring"
          >
            <input
              type="radio"
              name={`${id}-stars`}
              value={n}
              checked={value === n}
              onChange={() => choose(n)}
              className="sr-only"
            />
            <Star
              aria-hidden="true"
              className={cn(
                'size-5 transition-colors',
                n <= shown ? 'fill-amber-400 text-amber-400' : 'text-muted-foreground/50',
              )}
            />
            <span className="sr-only">{pluralize(n, 'star')}</span>
          </label>
        ))}
      </div>
      <span id={`${id}-summary`} className="text-muted-foreground tabular-nums" data-testid="rating-summary">
        <span className="sr-only">Average: </span>
        {ratingText(rating)}
      </span>
      <span
        role="status"
        className={cn('text-xs', status === 'error' ? 'text-destructive' : 'text-muted-foreground')}
      >
        {status === 'saving'
          ? 'Saving…'
          : status === 'saved'
            ? 'Saved'
            : status === 'error'
              ? `Couldn’t save your rating: ${error}`
              : ''}
      </span>
    </div>
  );
}

export function PromptActionsSkeleton({ className }: { className?: string }) {
  return (
    <div className={cn('flex flex-wrap items-center gap-5', className)} aria-hidden="true">
      <Skeleton className="h-8 w-28" />
      <Skeleton className="h-6 w-64" />
    </div>
  );
}
