'use client';

import { useActionState } from 'react';
import { deferDemoTask, type ActionState } from '../actions';

export function DeferForm() {
  const [state, action, pending] = useActionState<ActionState, FormData>(deferDemoTask, { message: '' });
  return (
    <form action={action} className="defer-form">
      <label>
        Name <input name="name" defaultValue="Ada" aria-label="name" />
      </label>
      <button name="kind" value="greet" disabled={pending}>
        Defer a greeting
      </button>
      <button name="kind" value="flaky" disabled={pending}>
        Flaky (fails twice)
      </button>
      <button name="kind" value="fail" disabled={pending}>
        Always fails
      </button>
      <button name="kind" value="permanent" disabled={pending}>
        Permanent failure
      </button>
      {state.message && (
        <p role="status" className={state.error ? 'error' : 'ok'}>
          {state.message}
        </p>
      )}
    </form>
  );
}
