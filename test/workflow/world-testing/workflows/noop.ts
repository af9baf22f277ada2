let calls = 0;

/** Counts its calls in this server process: each of the suite's 20 steps runs once, in parallel batches. */
async function count(_index: number): Promise<number> {
  'use step';
  calls += 1;
  return calls;
}

/** Two batches of ten parallel steps; the suite expects 20 numbers (each step's result, once). */
export async function brokenWf(): Promise<{ numbers: number[] }> {
  'use workflow';
  const numbers: number[] = [];
  for (const batch of [0, 1]) {
    numbers.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => count(batch * 10 + i)))));
  }
  return { numbers };
}
