/** The conformance suite over REST: google-gax's "fallback" mode, as the adapter's emulator transport uses it. */
import { createCloudTasksClient } from '@/lib/src/contract/cloud-tasks-client';
import { describeConformance } from './support/suite';

describeConformance({ name: 'REST', connect: (emulator) => createCloudTasksClient(emulator.hostPort) });
