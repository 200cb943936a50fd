import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { sineSeries } from './synthetic.ts';

describe('sineSeries', () => {
  it('has T = 1000 steps, t = 1..T, by default', () => {
    const { time, x } = sineSeries({ seed: 1 });
    expect(time).toBeInstanceOf(Float32Array);
    expect(x).toBeInstanceOf(Float32Array);
    expect(x).toHaveLength(1000);
    expect(time[0]).toBe(1);
    expect(time[999]).toBe(1000);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(sineSeries({ seed: 5 }).x).toEqual(sineSeries({ seed: 5 }).x);
    expect(sineSeries({ seed: 5 }).x).not.toEqual(sineSeries({ seed: 6 }).x);
  });

  it('is exactly sin(0.01 t) without noise', () => {
    const { x } = sineSeries({ T: 50, noiseSd: 0 });
    for (let i = 0; i < 50; i++) expect(x[i]).toBeCloseTo(Math.sin(0.01 * (i + 1)), 6);
  });

  it('has the mean of sin(0.01 t) and noise with mean 0 and sd 0.2', () => {
    // Σ_{t=1..T} sin(a t) = sin(T a / 2) · sin((T + 1) a / 2) / sin(a / 2).
    const T = 1000;
    const a = 0.01;
    const sineMean = (Math.sin((T * a) / 2) * Math.sin(((T + 1) * a) / 2)) / Math.sin(a / 2) / T;
    // With 1000 draws the standard error of the noise mean is 0.2/√1000 ≈ 0.0063 and of its
    // sd about 0.2/√2000 ≈ 0.0045; tolerances of 0.03 and 0.02 are ~4.5 standard errors, so a
    // correct generator fails them with probability ~1e-5 per seed while a wrong sd (e.g. 0.1
    // or a variance of 0.2) or a biased mean is far outside them.
    for (const seed of [0, 1, 2, 3, 4]) {
      const { x } = sineSeries({ seed });
      let sum = 0;
      let noiseSum = 0;
      let noiseSq = 0;
      for (let i = 0; i < T; i++) {
        const xi = x[i] as number;
        const noise = xi - Math.sin(a * (i + 1));
        sum += xi;
        noiseSum += noise;
        noiseSq += noise * noise;
      }
      const noiseMean = noiseSum / T;
      const noiseSd = Math.sqrt((noiseSq - T * noiseMean * noiseMean) / (T - 1));
      expect(Math.abs(sum / T - sineMean)).toBeLessThan(0.03);
      expect(Math.abs(noiseMean)).toBeLessThan(0.03);
      expect(Math.abs(noiseSd - 0.2)).toBeLessThan(0.02);
    }
  });

  it('rejects bad options', () => {
    for (const options of [{ T: 0 }, { T: 2.5 }, { seed: 0.5 }, { noiseSd: -1 }, { noiseSd: Number.NaN }, { frequency: Infinity }]) {
      expect(() => sineSeries(options)).toThrow(SeqlmError);
    }
  });
});
