const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `90s`, `10m`, `1h`, `7d`, or a whole number of seconds (`3600`). */
export const DURATION_PATTERN = /^([0-9]{1,12})([smhd]?)$/;

/**
 * Parses a duration into whole seconds, or undefined when it is not one.
 * Numbers must be positive safe integers; strings follow {@link DURATION_PATTERN}.
 */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const match = DURATION_PATTERN.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS;
  const seconds = amount * UNIT_SECONDS[unit];
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}
