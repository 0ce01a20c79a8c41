/** The first few problems of a worker (join failures, send errors), for the report. */
const MAX_PROBLEMS = 10;

export class Problems {
  readonly list: string[] = [];

  add(text: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(text);
  }
}
