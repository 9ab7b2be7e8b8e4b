import { performance } from 'node:perf_hooks';
import { fmt, summarize } from './stats.js';
import { table } from './markdown.js';

/**
 * Wall-clock timers around methods, installed by patching class prototypes at runtime (src/ is not
 * modified). Every instance created before or after installation is covered, because methods are looked
 * up on the prototype at call time. `restore()` puts the originals back.
 *
 * Times include waiting for the event loop (other requests' work), so read them from a sequential run.
 */
export class MethodTimers {
  private readonly samples = new Map<string, number[]>();
  /** Every timed call with absolute start/end (performance.now()), for timelines. */
  readonly spans: { name: string; start: number; end: number }[] = [];
  private readonly order: string[] = [];
  private readonly restorers: (() => void)[] = [];

  /** Records a span (absolute times) and its duration. */
  span(name: string, start: number, end: number): void {
    this.spans.push({ name, start, end });
    this.record(name, end - start);
  }

  record(name: string, ms: number): void {
    this.register(name).push(ms);
  }

  /** Reports list names in registration order (the order of `wrap` calls), then first-recorded order. */
  private register(name: string): number[] {
    let list = this.samples.get(name);
    if (!list) {
      list = [];
      this.samples.set(name, list);
      this.order.push(name);
    }
    return list;
  }

  /** Times a promise-returning (or plain) method from call to settlement. */
  wrap(proto: object, method: string, name: string): void {
    const target = proto as Record<string, unknown>;
    const original = target[method];
    if (typeof original !== 'function') throw new TypeError(`${name}: no method ${method}`);
    this.register(name);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const timers = this;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      const done = () => timers.span(name, t0, performance.now());
      let result: unknown;
      try {
        result = (original as (...a: unknown[]) => unknown).apply(this, args);
      } catch (err) {
        done();
        throw err;
      }
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
    this.restorers.push(() => {
      target[method] = original;
    });
  }

  /** Times an async-generator method from call to its first yielded value. */
  wrapFirstYield(proto: object, method: string, name: string): void {
    const target = proto as Record<string, unknown>;
    const original = target[method] as (...a: unknown[]) => AsyncGenerator<unknown>;
    if (typeof original !== 'function') throw new TypeError(`${name}: no method ${method}`);
    this.register(name);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const timers = this;
    target[method] = async function* (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      let first = true;
      for await (const value of original.apply(this, args)) {
        if (first) {
          timers.span(name, t0, performance.now());
          first = false;
        }
        yield value;
      }
    };
    this.restorers.push(() => {
      target[method] = original;
    });
  }

  /** Forgets the samples (registered names stay, in order). */
  reset(): void {
    for (const list of this.samples.values()) list.length = 0;
    this.spans.length = 0;
  }

  restore(): void {
    for (const undo of this.restorers.splice(0).reverse()) undo();
  }

  /** A Markdown table: stage, calls, mean, p50, p99, max (ms). */
  table(include: (name: string) => boolean = () => true): string {
    const rows = this.order
      .filter((name) => include(name) && this.samples.get(name)!.length > 0)
      .map((name) => {
        const s = summarize(this.samples.get(name)!);
        return [name, s.n, fmt(s.mean, 3), fmt(s.p50, 3), fmt(s.p99, 3), fmt(s.max, 3)];
      });
    return table(['Stage', 'Calls', 'Mean', 'p50', 'p99', 'Max'], rows, ['l', 'r', 'r', 'r', 'r', 'r']);
  }
}
