import { describe, expect, it } from 'vitest';
import { recordEpisode } from '../../../sim/rollout.ts';
import { createTabletopEnv } from '../../../sim/tabletop-env.ts';

describe('scripted expert', () => {
  it.each([
    ['reach', 30],
    ['push1', 30],
    ['push2', 20],
  ])('solves %s on at least 95 percent of %i seeded episodes', (task, episodes) => {
    const env = createTabletopEnv(task as string);
    let successes = 0;
    for (let i = 0; i < episodes; i++) successes += recordEpisode(env, 'expert', 500 + i).success ? 1 : 0;
    expect(successes / episodes).toBeGreaterThanOrEqual(0.95);
  });

  it('varies between episodes: the same layout under different policy seeds takes different actions', () => {
    const env = createTabletopEnv('push2');
    const a = recordEpisode(env, 'expert', 11);
    const b = recordEpisode(env, 'expert', 12);
    expect(a.actions).not.toEqual(b.actions);
  });

  it('repeats itself exactly for the same seed', () => {
    const env = createTabletopEnv('push2');
    const a = recordEpisode(env, 'expert', 7);
    const b = recordEpisode(env, 'expert', 7);
    expect(a.actions).toEqual(b.actions);
    expect(a.states).toEqual(b.states);
    expect(Buffer.compare(a.frames, b.frames)).toBe(0);
  });

  it('records its own actions while the robot executes perturbed ones (DART)', () => {
    const env = createTabletopEnv('reach');
    const clean = recordEpisode(env, 'expert', 3);
    const perturbed = recordEpisode(env, 'expert', 3, 1);
    // Same layout and policy seed: the first decision is made in the same state, so it is the same label.
    expect(perturbed.actions.subarray(0, 2)).toEqual(clean.actions.subarray(0, 2));
    // In free space the pusher moves by the executed action × the per-tick step: that move differs
    // from the recorded label once noise is added, and the trajectories part.
    const moved = Math.hypot(perturbed.states[2] - clean.states[2], perturbed.states[3] - clean.states[3]);
    expect(moved).toBeGreaterThan(1e-4);
    expect(perturbed.success).toBe(true);
  });
});

describe('play policy', () => {
  it('runs the whole horizon and moves blocks around', () => {
    const env = createTabletopEnv('push2');
    let displaced = 0;
    for (let seed = 0; seed < 4; seed++) {
      const episode = recordEpisode(env, 'play', seed);
      expect(episode.steps).toBe(env.task.horizon);
      const first = episode.states.subarray(0, 6);
      const last = episode.states.subarray(episode.steps * 6);
      displaced +=
        Math.hypot(first[2] - last[2], first[3] - last[3]) +
        Math.hypot(first[4] - last[4], first[5] - last[5]);
    }
    expect(displaced / 4).toBeGreaterThan(0.1);
  });
});
