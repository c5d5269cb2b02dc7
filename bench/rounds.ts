/**
 * Runs `measure` for every subject, round after round (A B C A B C …), so that drift on a
 * shared machine (other load, CPU frequency, GC of long-lived processes) hits every subject
 * alike. Returns each subject's results in round order.
 */
export async function alternate<S extends string, T>(
  subjects: readonly S[],
  rounds: number,
  measure: (subject: S, round: number) => Promise<T>,
): Promise<Record<S, T[]>> {
  const results = Object.fromEntries(subjects.map((s) => [s, [] as T[]])) as Record<S, T[]>;
  for (let round = 0; round < rounds; round += 1) {
    for (const subject of subjects) results[subject].push(await measure(subject, round));
  }
  return results;
}
