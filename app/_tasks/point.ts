import { registerClass } from 'next-cloud-tasks';

/** A point on the plane: a class whose instances travel in tasks as themselves, methods and all. */
export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}

  /** Distance from the origin. */
  norm(): number {
    return Math.hypot(this.x, this.y);
  }

  toString(): string {
    return `(${this.x}, ${this.y})`;
  }
}

// Registered under a stable id (a production build renames the class itself), beside the class:
// every module that uses Point as a value runs this, in each of Next's bundles.
registerClass('demo.Point', Point);

declare module 'next-cloud-tasks' {
  interface RegisteredClasses {
    'demo.Point': Point;
  }
}
