import { AutoRefresh } from './_components/auto-refresh';
import { DeferForm } from './_components/defer-form';
import { demoStore } from './_tasks/demo-store';

export const dynamic = 'force-dynamic';

export default function Home() {
  const { greetings, pings } = demoStore();
  const emulator = process.env.CLOUD_TASKS_EMULATOR_HOST;
  return (
    <main>
      <h1>Deferred tasks on Cloud Tasks</h1>
      <p>
        Each button defers a function with <code>defer()</code>: a Cloud Task calls <code>/_ah/queue/deferred/&lt;id&gt;</code> back, the
        handler verifies its OIDC token and runs the function.
        {emulator && (
          <>
            {' '}
            Tasks go to the local emulator: watch them in its <a href={`http://${emulator}/`}>dashboard</a>.
          </>
        )}
      </p>
      <DeferForm />
      <AutoRefresh />
      <section>
        <h2>Greetings ({greetings.length})</h2>
        <table id="greetings">
          <thead>
            <tr>
              <th>Message</th>
              <th>Attempt</th>
              <th>Ran at</th>
              <th>Task</th>
            </tr>
          </thead>
          <tbody>
            {greetings.map((g, i) => (
              <tr key={i}>
                <td>{g.message}</td>
                <td>{g.attempt}</td>
                <td>{g.ranAt.toISOString()}</td>
                <td>{g.taskName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Analytics pings ({pings.length})</h2>
        <p>
          Sent with <code>runAfterResponse()</code> after each deferral, recorded by <code>/api/analytics</code>.
        </p>
        <ul id="pings">
          {pings.map((p, i) => (
            <li key={i}>
              {p.event} at {p.at.toISOString()}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
