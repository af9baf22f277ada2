/** One step of the bench's chain: as little work as a step can be, so the World's cost shows. */
async function link(index: number, total: number): Promise<number> {
  'use step';
  return total + index;
}

/** `steps` steps one after another: each is a step message, then a flow message to go on. */
export async function chain(steps: number): Promise<number> {
  'use workflow';
  let total = 0;
  for (let index = 0; index < steps; index++) total = await link(index, total);
  return total;
}
