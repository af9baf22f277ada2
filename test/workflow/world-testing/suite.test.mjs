// The Workflow SDK's own World test suite (@workflow/world-testing), run against
// next-cloud-tasks/workflow: its test modules and harness (util.mjs) unchanged, copied from the
// installed package into this folder with the server they start (test/workflow/world-testing.test.ts).
// Its other modules (inline-execution, lineage) test the 5.0 beta SDK's features: not the 4.8.x line.
import { addition } from './src/addition.mjs';
import { errors } from './src/errors.mjs';
import { hooks } from './src/hooks.mjs';
import { idempotency } from './src/idempotency.mjs';
import { nullByte } from './src/null-byte.mjs';

const world = process.env.WORKFLOW_TARGET_WORLD;
addition(world);
idempotency(world);
hooks(world);
nullByte(world);
errors(world);
