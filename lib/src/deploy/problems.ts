import { isScalar, type LineCounter, type Node } from 'yaml';

/** Where something is in a YAML file (queue.yaml, cron.yaml); line and column start at 1, as editors show them. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One thing wrong (error) or worth knowing (warning) in a YAML file, at its line and column. */
export interface YamlProblem extends SourcePosition {
  /** The key the problem is about (`rate`, `retry_parameters.task_age_limit`), when there is one. */
  key?: string;
  message: string;
  severity: 'error' | 'warning';
}

/** `file:line:column: message`, the format editors and CI annotations understand. */
export function formatProblem(p: YamlProblem): string {
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.file}:${p.line}:${p.column}: ${tag}${p.message}`;
}

/**
 * Collects every problem of one file, so the user sees them all at once, each at the line and
 * column of the node it is about (App Engine stopped at the first; we do better).
 */
export class ProblemCollector {
  readonly problems: YamlProblem[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  /** Position of a node (or of the start of the file when there is none). */
  at(node: Node | null | undefined): SourcePosition {
    return this.atOffset(node?.range?.[0] ?? 0);
  }

  atOffset(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  error(node: Node | null | undefined, key: string | undefined, message: string): void {
    this.problems.push({ ...this.at(node), ...(key ? { key } : {}), message, severity: 'error' });
  }

  warning(node: Node | null | undefined, key: string | undefined, message: string): void {
    this.problems.push({ ...this.at(node), ...(key ? { key } : {}), message, severity: 'warning' });
  }

  get errorCount(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }
}

/** The plain value of a scalar node (undefined for maps, lists and missing nodes). */
export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** A number written as a YAML number or a numeric string (App Engine's validator accepted both). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?[0-9]+(\.[0-9]*)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** How a value looked in the file, for messages: strings quoted, others as YAML shows them. */
export function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}
