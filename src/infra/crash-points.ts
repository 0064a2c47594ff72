/**
 * Crash points for the crash tests: `SAMVERKAN_CRASH_POINTS=applied:meeting.cancel` makes the
 * process kill itself (SIGKILL, no clean-up, like a power cut) when it reaches that point. Off
 * unless the variable is set, and always off in production.
 */
const points = new Set(
  process.env.NODE_ENV === 'production'
    ? []
    : (process.env.SAMVERKAN_CRASH_POINTS ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
);

export function crashPoint(name: string): void {
  if (points.size > 0 && points.has(name)) process.kill(process.pid, 'SIGKILL');
}
