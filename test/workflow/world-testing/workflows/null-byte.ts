async function withNullByte(): Promise<string> {
  'use step';
  return 'null byte \0';
}

/** A NUL character survives a step result, the event log and the run's output. */
export async function nullByteWorkflow(): Promise<string> {
  'use workflow';
  return await withNullByte();
}
