import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { exhaustMapLatest } from '../../../server/exhaust-map-latest.ts';

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('exhaustMapLatest', () => {
  it('emits nothing and stays open for a source that never emits', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(exhaustMapLatest(() => cold('a|')))).toBe('-');
    });
  });

  it('completes with an empty source', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('|').pipe(exhaustMapLatest(() => cold('a|')))).toBe('|');
    });
  });

  it('projects one value and completes after its inner', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('x|').pipe(exhaustMapLatest((v) => cold(`--(${v}|)`)))).toBe('--(x|)');
    });
  });

  it('drops values superseded during an inner and projects only the latest afterwards', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('abc------d|');
      const result = source.pipe(exhaustMapLatest((v) => cold(`---(${v}|)`)));
      expectObservable(result).toBe('---a--c-----(d|)');
    });
  });

  it('passes an inner error through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|').pipe(exhaustMapLatest(() => cold('-#')))).toBe('-#');
    });
  });

  it('passes a source error through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-#').pipe(exhaustMapLatest(() => cold('a|')))).toBe('-#');
    });
  });

  it('keeps a never-ending inner and holds the latest value behind it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|').pipe(exhaustMapLatest((v) => cold(`${v}-`)))).toBe('a-');
    });
  });

  it('unsubscribes from source and inner when unsubscribed early', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a----b-');
      const inner = cold('--x--y--z');
      expectObservable(source.pipe(exhaustMapLatest(() => inner)), '^---!').toBe('---x');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(inner.subscriptions).toBe('-^--!');
    });
  });
});
