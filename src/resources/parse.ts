/**
 * `parseResources`: the agent's `--resources` flag in its two forms (Mesos
 * `Resources::parse(text, defaultRole)`): the text form `cpus(prod):8; mem:15360` and a JSON
 * array of `Resource` objects. A named role is a STATIC reservation; `*` is unreserved.
 */
import { ResourceError, ResourceParseError } from './errors.ts';
import type { Item } from './item.ts';
import { decodeResource } from './json.ts';
import { Resources, isDynamicallyReserved } from './resources.ts';
import { roleProblem, UNRESERVED_ROLE } from './roles.ts';
import type { ResourceInput } from './types.ts';
import { itemFromInput } from './validate.ts';
import { parseValue, ValueSyntaxError, type ParsedValue } from './value.ts';

export interface ParseResourcesOptions {
  /** Role of resources written without one (the agent's deprecated `--default_role`); `*` by default. */
  readonly defaultRole?: string;
  /**
   * Apply the rules for the agent command line (default true): no persistent volumes, no
   * revocable resources, no dynamic reservations, no allocation info, and one type per name.
   * Pass false to read resources as the master holds them (checkpointed reservations, volumes).
   */
  readonly commandLine?: boolean;
}

interface Located {
  readonly item: Item;
  readonly token: string;
  readonly position: number;
}

function valueField(value: Exclude<ParsedValue, { type: 'TEXT' }>): Pick<ResourceInput, 'scalar' | 'ranges' | 'set'> {
  switch (value.type) {
    case 'SCALAR':
      return { scalar: value.scalar };
    case 'RANGES':
      return { ranges: value.ranges };
    case 'SET':
      return { set: value.set };
  }
}

function parseToken(token: string, position: number, defaultRole: string): Item {
  const fail = (reason: string): never => {
    throw new ResourceParseError(reason, token, position);
  };
  const colon = token.indexOf(':');
  if (colon < 0 || token.indexOf(':', colon + 1) >= 0) fail("missing or extra ':'");
  const head = token.slice(0, colon);
  const valueText = token.slice(colon + 1);
  if (valueText.trim().length === 0) fail("missing or extra ':' (no value)");

  let name: string;
  let role = defaultRole;
  const open = head.indexOf('(');
  if (open < 0) {
    if (head.includes(')')) fail('mismatched parentheses');
    name = head.trim();
  } else {
    const close = head.indexOf(')');
    if (close < open || head.indexOf('(', open + 1) >= 0 || head.indexOf(')', close + 1) >= 0) fail('mismatched parentheses');
    if (head.slice(close + 1).trim().length > 0) fail("unexpected text after ')'");
    name = head.slice(0, open).trim();
    role = head.slice(open + 1, close).trim();
    const problem = roleProblem(role);
    if (problem !== undefined) fail(`invalid role: ${problem}`);
  }
  if (name.length === 0) fail('empty resource name');

  let value;
  try {
    value = parseValue(valueText);
  } catch (e) {
    if (e instanceof ValueSyntaxError) fail(`invalid value for resource '${name}': ${e.message}`);
    throw e;
  }
  if (value.type === 'TEXT') return fail(`resource '${name}' has a value of type TEXT ('${value.text}'); resources are non-negative scalars, [ranges] or {sets}`);

  const input: ResourceInput = {
    name,
    ...valueField(value),
    ...(role === UNRESERVED_ROLE ? {} : { reservations: [{ type: 'STATIC' as const, role }] }),
  };
  try {
    return itemFromInput(input, `resource '${name}'`);
  } catch (e) {
    if (e instanceof ResourceError) fail(e.message);
    throw e;
  }
}

function parseText(text: string, defaultRole: string): Located[] {
  const located: Located[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text.charCodeAt(i) !== 59 /* ; */) continue;
    const raw = text.slice(start, i);
    const trimmedStart = raw.length - raw.trimStart().length;
    const token = raw.trim();
    const position = start + trimmedStart;
    start = i + 1;
    if (token.length === 0) continue; // `;;cpus:1;;` is fine in Mesos
    located.push({ item: parseToken(token, position, defaultRole), token, position });
  }
  return located;
}

function parseJson(text: string, defaultRole: string): Located[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(message);
    throw new ResourceParseError(`invalid JSON resources (${message})`, text.slice(Number(at?.[1] ?? 0), Number(at?.[1] ?? 0) + 40), Number(at?.[1] ?? 0));
  }
  if (!Array.isArray(json)) throw new ResourceParseError('JSON resources must be an array of Resource objects', text, 0);
  return json.map((element, index) => {
    try {
      return { item: itemFromInput(decodeResource(element, `resources[${index}]`, defaultRole), `resources[${index}]`), token: `resources[${index}]`, position: index };
    } catch (e) {
      if (e instanceof ResourceError || e instanceof RangeError) throw new ResourceParseError(e instanceof RangeError ? 'JSON resource nested too deeply' : e.message, tokenOf(element), index);
      throw e;
    }
  });
}

/** The element as text for an error message; deeply nested input cannot be stringified. */
function tokenOf(element: unknown): string {
  try {
    return (JSON.stringify(element) ?? String(element)).slice(0, 200);
  } catch {
    return '(deeply nested JSON)';
  }
}

function checkCommandLine(located: readonly Located[]): void {
  const types = new Map<string, string>();
  for (const { item, token, position } of located) {
    const fail = (reason: string): never => {
      throw new ResourceParseError(reason, token, position);
    };
    if (item.meta.persistentVolume) fail('persistent volumes cannot be specified at the command line');
    if (item.meta.revocable) fail('revocable resources cannot be specified at the command line');
    if (isDynamicallyReserved(item)) fail('dynamic reservations cannot be specified at the command line');
    if (item.meta.allocationRole !== undefined) fail('allocation info cannot be specified at the command line');
    const known = types.get(item.name);
    if (known !== undefined && known !== item.type) {
      fail(`resources with the same name ('${item.name}') but different types (${known}, ${item.type}) are not allowed`);
    }
    types.set(item.name, item.type);
  }
}

export function parseResources(text: string, options: ParseResourcesOptions = {}): Resources {
  if (typeof text !== 'string') throw new ResourceParseError('resources must be given as a string', String(text), 0);
  const defaultRole = options.defaultRole ?? UNRESERVED_ROLE;
  const problem = roleProblem(defaultRole);
  if (problem !== undefined) throw new ResourceError(`invalid default role: ${problem}`);
  const first = text.trimStart()[0];
  const json = first === '[' || first === '{'; // no text-form token starts with a bracket
  const located = json ? parseJson(text, defaultRole) : parseText(text, defaultRole);
  if (options.commandLine ?? true) checkCommandLine(located);
  return Resources.fromItems(located.map((l) => l.item));
}
