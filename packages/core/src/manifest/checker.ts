import type { ManifestProblem } from './types.ts';

type Obj = Record<string, unknown>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a.b`, `$.a[2]`, `$.a["odd key"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

export function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

interface NumberRule {
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
}

/**
 * Collects every problem instead of stopping at the first, so one run of the
 * validator tells the author everything to fix. Each reader returns the value
 * when it is well-formed and `undefined` (with a problem recorded) otherwise.
 */
export class Checker {
  readonly problems: ManifestProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  object(value: unknown, path: string): Obj | undefined {
    if (isObject(value)) return value;
    this.add(path, `must be an object, got ${describe(value)}`);
    return undefined;
  }

  /** A nested object field: `undefined` (with a problem unless optional) when absent or not an object. */
  section(obj: Obj, key: string, path: string, optional = false): Obj | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    return this.object(obj[key], childPath(path, key));
  }

  /** Reports keys outside `allowed`, which are usually typos (`linearBeforReset`). */
  keys(obj: Obj, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(childPath(path, key), `unknown field; expected one of ${allowed.join(', ')}`);
    }
  }

  present(obj: Obj, key: string, path: string, optional: boolean): boolean {
    if (obj[key] !== undefined) return true;
    if (!optional) this.add(childPath(path, key), 'is required');
    return false;
  }

  string(obj: Obj, key: string, path: string, optional = false): string | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    const value = obj[key];
    if (typeof value === 'string' && value.length > 0) return value;
    this.add(childPath(path, key), `must be a non-empty string, got ${describe(value)}`);
    return undefined;
  }

  boolean(obj: Obj, key: string, path: string, optional = false): boolean | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    const value = obj[key];
    if (typeof value === 'boolean') return value;
    this.add(childPath(path, key), `must be true or false, got ${describe(value)}`);
    return undefined;
  }

  oneOf<T extends string>(obj: Obj, key: string, options: readonly T[], path: string, optional = false): T | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    const value = obj[key];
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    this.add(childPath(path, key), `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${describe(value)}`);
    return undefined;
  }

  number(obj: Obj, key: string, path: string, rule: NumberRule = {}, optional = false): number | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    return this.numberValue(obj[key], childPath(path, key), rule);
  }

  numberValue(value: unknown, path: string, rule: NumberRule = {}): number | undefined {
    const problem = numberProblem(value, rule);
    if (problem === undefined) return value as number;
    this.add(path, problem);
    return undefined;
  }

  array(obj: Obj, key: string, path: string, optional = false): unknown[] | undefined {
    if (!this.present(obj, key, path, optional)) return undefined;
    const value = obj[key];
    if (Array.isArray(value)) return value;
    this.add(childPath(path, key), `must be an array, got ${describe(value)}`);
    return undefined;
  }

  /** An array of numbers, each checked against `rule`; `undefined` if any is bad. */
  numbers(obj: Obj, key: string, path: string, rule: NumberRule = {}, optional = false): number[] | undefined {
    const items = this.array(obj, key, path, optional);
    if (items === undefined) return undefined;
    const before = this.problems.length;
    items.forEach((item, i) => this.numberValue(item, childPath(childPath(path, key), i), rule));
    return this.problems.length === before ? (items as number[]) : undefined;
  }
}

function numberProblem(value: unknown, rule: NumberRule): string | undefined {
  const what = rule.integer ? 'an integer' : 'a finite number';
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be ${what}, got ${describe(value)}`;
  if (rule.integer && !Number.isSafeInteger(value)) return `must be an integer, got ${value}`;
  if (rule.min !== undefined && value < rule.min) return `must be >= ${rule.min}, got ${value}`;
  if (rule.above !== undefined && value <= rule.above) return `must be > ${rule.above}, got ${value}`;
  if (rule.max !== undefined && value > rule.max) return `must be <= ${rule.max}, got ${value}`;
  if (rule.below !== undefined && value >= rule.below) return `must be < ${rule.below}, got ${value}`;
  return undefined;
}
