import type { SourcePosition, YamlProblem } from '../deploy/problems.js';

export type { SourcePosition };

/** App Engine's retry_parameters, as written (after validation; durations parsed to seconds). */
export interface RetryParameters {
  /** task_retry_limit: retries after the first attempt (>= 0). */
  taskRetryLimit?: number;
  /** task_age_limit, e.g. `2d`, `1.5h`: seconds (> 0) and the text as written. */
  taskAgeLimit?: { seconds: number; text: string };
  minBackoffSeconds?: number;
  maxBackoffSeconds?: number;
  maxDoublings?: number;
}

/** App Engine's view of one queue (one entry of queue.yaml), with its position for messages. */
export interface QueueDefinition {
  name: string;
  /** Only push queues exist in Cloud Tasks; a pull queue is a validation error. */
  mode: 'push';
  /** `rate` in tasks per second (0 = paused) and the text as written (`5/s`, `6/m`, `0`). */
  rate: { perSecond: number; text: string };
  bucketSize?: number;
  maxConcurrentRequests?: number;
  retryParameters?: RetryParameters;
  /** Parsed for App Engine compatibility; Cloud Tasks ignores it (a warning says so). */
  target?: string;
  /**
   * `dead_letter_queue`: the paused queue where the handler keeps this queue's dead tasks, ready
   * to replay (`true` names it `<name>-dead-letter`). Absent or `false`: dead tasks are logged only.
   */
  deadLetterQueue?: { name: string; position: SourcePosition };
  /** Set on a dead-letter queue: the queues whose dead tasks it keeps. It is always paused. */
  deadLetterFor?: string[];
  /** Position of the queue's entry (its `- name:` item) in the file. */
  position: SourcePosition;
}

export type { CloudTasksQueueSettings, RetryConfig } from '../contract/queue-settings.js';

/** One thing wrong (error) or worth knowing (warning) in queue.yaml, at its line and column. */
export type QueueYamlProblem = YamlProblem;

/** A parsed, valid queue.yaml. */
export interface QueueFile {
  file: string;
  queues: QueueDefinition[];
  /** Settings that are valid App Engine but have no effect in Cloud Tasks. */
  warnings: QueueYamlProblem[];
}
