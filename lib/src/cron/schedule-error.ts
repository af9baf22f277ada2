/** A schedule that cannot be used: `syntax` (App Engine would refuse it too) or `cron` (a malformed unix-cron line). */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
  constructor(
    readonly kind: 'syntax' | 'cron',
    message: string,
  ) {
    super(message);
  }
}
