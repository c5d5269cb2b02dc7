/** A median with the spread of the values it was taken from. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** The values, in the order they were measured. */
  values: number[];
}

/** Median, min and max of measured values (the median of an even count is the mean of the middle two). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('nothing to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...values] };
}

/** Element-wise `a[i] / b[i]`: ratios of measurements taken in the same round. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, i) => value / b[i]!);
}
