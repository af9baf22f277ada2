// The workflows @workflow/world-testing's test modules invoke (by file and export name), written
// here for the 4.8.x SDK: the package ships them only inside bundles built with its own SDK.
async function sum(a: number, b: number): Promise<number> {
  'use step';
  return a + b;
}

/** `addition(1, 2)` completes with 3: one step, one flow replay after it. */
export async function addition(a: number, b: number): Promise<number> {
  'use workflow';
  return await sum(a, b);
}
