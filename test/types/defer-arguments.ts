/**
 * Type-level tests, checked by `tsc --noEmit` (part of `npm test`): each @ts-expect-error
 * line must be a compile error, or the type check fails.
 */
import { defer, deferrable } from 'next-cloud-tasks';

const sendEmail = deferrable('types.sendEmail', async (to: string, attempts: number, when?: Date) => ({ to, attempts, when }));
const noArgs = deferrable('types.noArgs', () => {});

export async function argumentTypesComeFromTheFunction() {
  await defer(sendEmail, ['ada@example.com', 3]);
  await defer(sendEmail, ['ada@example.com', 3, new Date()], { queue: 'default', countdown: 10 });
  await defer(noArgs, []);

  // @ts-expect-error a number where a string is expected
  await defer(sendEmail, [42, 3]);
  // @ts-expect-error a missing required argument
  await defer(sendEmail, ['ada@example.com']);
  // @ts-expect-error one argument too many
  await defer(sendEmail, ['ada@example.com', 3, new Date(), 'extra']);
  // @ts-expect-error a string where a Date is expected
  await defer(sendEmail, ['ada@example.com', 3, '2026-01-01']);
  // @ts-expect-error arguments for a function that takes none
  await defer(noArgs, [1]);
  // @ts-expect-error a plain function is not deferrable: it has no stable id
  await defer((to: string) => to, ['x']);
  // @ts-expect-error an unknown option
  await defer(noArgs, [], { queueName: 'default' });
  // @ts-expect-error countdown is seconds, a number
  await defer(noArgs, [], { countdown: '10' });
}
