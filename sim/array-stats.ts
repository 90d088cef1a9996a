/** Per-dimension statistics of a float feature over a dataset. */
export interface FeatureStats {
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
}

/** Accumulates per-dimension mean, std, min and max of rows of a fixed width, in float64. */
export class RunningStats {
  private count = 0;
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;

  constructor(readonly width: number) {
    this.sum = new Float64Array(width);
    this.sumSquares = new Float64Array(width);
    this.min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  }

  /** Adds every row of a row-major [N, width] array. */
  addRows(rows: ArrayLike<number>): void {
    for (let offset = 0; offset < rows.length; offset += this.width) {
      for (let d = 0; d < this.width; d++) {
        const v = rows[offset + d];
        this.sum[d] += v;
        this.sumSquares[d] += v * v;
        if (v < this.min[d]) this.min[d] = v;
        if (v > this.max[d]) this.max[d] = v;
      }
      this.count += 1;
    }
  }

  /** The statistics so far (population std). */
  summary(): FeatureStats {
    const mean = Array.from(this.sum, (s) => s / Math.max(1, this.count));
    const std = Array.from(this.sumSquares, (s, d) =>
      Math.sqrt(Math.max(0, s / Math.max(1, this.count) - mean[d] ** 2)),
    );
    return { mean, std, min: Array.from(this.min), max: Array.from(this.max) };
  }
}
