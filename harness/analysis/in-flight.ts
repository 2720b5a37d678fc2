/**
 * The in-flight level the drive spent half its time at or below (OpenDriveStats.inFlightLevels: seconds at k in flight, at index k):
 * the level a typical request met, where a mean (Little's law) is pulled up by a stall's pile-up.
 */
export function medianInFlight(levels: readonly number[]): number {
  const total = levels.reduce((n, s) => n + s, 0);
  let seen = 0;
  for (let k = 0; k < levels.length; k++) {
    seen += levels[k]!;
    if (seen >= total / 2) return k;
  }
  return 0;
}
