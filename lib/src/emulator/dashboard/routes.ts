/**
 * The dashboard's HTTP side: GET / renders the page (or only its <main> for the refresh script),
 * POST /_emulator/actions/<action> runs an action and redirects back (POST-redirect-GET, so a
 * reload never repeats it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActivityLog } from '../activity.js';
import type { CronScheduler } from '../cron-scheduler.js';
import { ApiError, notFound, permissionDenied } from '../api-error.js';
import { readForm, sendError } from '../http-util.js';
import { shortId } from '../../contract/names.js';
import type { ResolvedOptions } from '../options.js';
import type { Store } from '../store.js';
import type { TasksService } from '../tasks-service.js';
import { FORM_TOKEN_FIELD, FormToken } from './form-token.js';
import type { SafeHtml } from './html.js';
import { PAGE_CSP, renderMain, renderPage, type DashboardModel, type PageFrame } from './render.js';
import { renderTaskDetail } from './task-detail.js';
import type { ObjectStore } from '../storage/object-store.js';

const TASKS_SHOWN = 100;

export interface DashboardDeps {
  store: Store;
  service: TasksService;
  activity: ActivityLog;
  options: Pick<ResolvedOptions, 'project' | 'location'>;
  /** cron.yaml's jobs (listed, and run by "Run now"). */
  cron?: CronScheduler;
  /** The Cloud Storage stand-in: offloaded payloads are shown next to their tasks. */
  objects?: Pick<ObjectStore, 'get'>;
}

type Action = (service: TasksService, name: string, cron?: CronScheduler) => string;

const ACTIONS: Record<string, Action> = {
  'queue-pause': (service, name) => (service.setQueueState(name, 'PAUSED'), `Paused ${shortId(name)}: its tasks wait until you resume it.`),
  'queue-resume': (service, name) => (service.setQueueState(name, 'RUNNING'), `Resumed ${shortId(name)}.`),
  'queue-purge': (service, name) => (service.purgeQueue(name), `Purged ${shortId(name)}.`),
  'task-run': (service, name) => (service.runTask(name), `Dispatching ${shortId(name)} now.`),
  'task-delete': (service, name) => (service.deleteTask(name), `Deleted ${shortId(name)}.`),
  'dead-replay': (service, name) => (service.replayDeadTask(name), `Replaying ${shortId(name)}: it is queued again, attempts reset.`),
  'dead-delete': (service, name) => (service.deleteDeadTask(name), `Deleted dead-lettered ${shortId(name)}.`),
  'cron-run': (_service, name, cron) => (cron?.runNow(name), `Running cron job ${name} now.`),
};

/** Only paths of this page: `back` must not turn the form into an open redirect. */
const safeBack = (back: string | null) => (back && /^\/(?!\/)/.test(back) ? back : '/');

export function createDashboard({ store, service, activity, options, cron, objects }: DashboardDeps) {
  const formToken = new FormToken();
  const peek = objects && { peekObject: (bucket: string, object: string) => objects.get(bucket, object)?.data };
  const model = (url: URL, notice?: DashboardModel['notice']): DashboardModel => {
    const nowMs = Date.now();
    const filterQueue = url.searchParams.get('queue') ?? undefined;
    const queues = store.listQueues().filter((queue) => queue.name.startsWith(`projects/`));
    const shown = filterQueue ? queues.filter((queue) => shortId(queue.name) === filterQueue) : queues;
    const collect = (states: ('queued' | 'running' | 'dead')[]) =>
      shown.flatMap((queue) => store.tasks.listByEta(queue.name, states, TASKS_SHOWN)).slice(0, TASKS_SHOWN);
    return {
      nowMs,
      project: options.project,
      location: options.location,
      filterQueue,
      queues: queues.map((queue) => ({ queue, counts: store.tasks.count(queue.name, nowMs) })),
      tasks: collect(['running', 'queued']).sort(
        (a, b) => Number(b.state === 'running') - Number(a.state === 'running') || a.scheduleTimeMs - b.scheduleTimeMs,
      ),
      dead: collect(['dead']).sort((a, b) => (b.deadTimeMs ?? 0) - (a.deadTimeMs ?? 0)),
      activity: activity.recent(),
      cronJobs: cron?.list(),
      ...peek,
      notice,
      back: `${url.pathname}${url.search}`,
      formToken: formToken.value,
    };
  };

  /** A task's page: one task read by name, whatever the queue's size. */
  const detail = (url: URL, frame: PageFrame): SafeHtml => {
    const name = url.searchParams.get('name') ?? '';
    const task = store.tasks.get(name);
    return renderTaskDetail({
      ...frame,
      name,
      task,
      nowMs: Date.now(),
      back: `${url.pathname}${url.search}`,
      formToken: formToken.value,
      ...peek,
    });
  };

  return async function handleDashboard(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/task')) {
      const notice = url.searchParams.get('notice');
      url.searchParams.delete('notice');
      const error = url.searchParams.get('error') === '1';
      url.searchParams.delete('error');
      const frame = {
        project: options.project,
        location: options.location,
        notice: notice ? { text: notice, error } : undefined,
        hostPort: req.headers.host,
      };
      const main = url.pathname === '/task' ? detail(url, frame) : renderMain({ ...model(url, frame.notice), hostPort: req.headers.host });
      const fragment = req.headers['x-dashboard-fragment'] === '1';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': PAGE_CSP });
      res.end(fragment ? main.value : renderPage(frame, main));
      return true;
    }
    const match = /^\/_emulator\/actions\/([a-z-]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return false;
    // Posts marked cross-origin by the browser were refused before this point (request-guard.ts);
    // the token also stops one from a browser that marks nothing.
    const form = await readForm(req);
    if (!formToken.matches(form.get(FORM_TOKEN_FIELD))) {
      sendError(
        res,
        permissionDenied(
          'This dashboard form has no valid token: it comes from another page, or from before the ' +
            "emulator's last start. Reload the dashboard and try again",
        ),
      );
      return true;
    }
    const back = new URL(safeBack(form.get('back')), 'http://emulator');
    const act = ACTIONS[match[1]];
    try {
      if (!act) throw notFound(`Unknown action ${match[1]}`);
      back.searchParams.set('notice', act(service, form.get('name') ?? '', cron));
    } catch (error) {
      // Google's exact message, then the emulator's hint (an ApiError's DebugInfo detail).
      const hint = error instanceof ApiError ? error.hint : undefined;
      back.searchParams.set('notice', hint ? `${(error as Error).message} ${hint}` : (error as Error).message);
      back.searchParams.set('error', '1');
    }
    res.writeHead(303, { location: `${back.pathname}${back.search}` }).end();
    return true;
  };
}
