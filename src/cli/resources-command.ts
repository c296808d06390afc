/**
 * `mesos-policy resources`: parses and validates an agent's `--resources` and `--attributes`
 * exactly as Mesos would, and prints every resource, the totals per name and per role.
 */
import { formatAttributeValue, formatResources, parseAttributes, parseResources, ResourceError, type Resource, type Resources } from '../index.ts';
import { parseArgs, UsageError } from './flags.ts';

export const RESOURCES_USAGE = `usage: mesos-policy resources --resources=<text|json|file://path> [--attributes=<text|file://path>] [--default_role=<role>] [--json]

Parses an agent's --resources and --attributes as Mesos does and prints each resource,
the totals per resource name and per reservation role. Exits 1 on malformed input.`;

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

function pad(cells: readonly string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

function value(r: Resource): string {
  if (r.type === 'SCALAR') return String(r.scalar);
  if (r.type === 'RANGES') return `[${r.ranges!.map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
  return `{${r.set!.join(', ')}}`;
}

function reservation(r: Resource): string {
  if (r.reservations.length === 0) return '* (unreserved)';
  return r.reservations.map((x) => `${x.role} (${x.type}${x.principal === undefined ? '' : `, ${x.principal}`})`).join(' > ');
}

function report(resources: Resources, attributesText: string | undefined): string {
  const lines: string[] = [];
  const rows = [['NAME', 'TYPE', 'RESERVATION', 'VALUE']];
  for (const r of resources) rows.push([r.name, r.type, reservation(r), value(r)]);
  lines.push(`Resources (${resources.size} objects):`, pad(rows), '');

  const totals = [['NAME', 'TOTAL', 'UNRESERVED', 'RESERVED']];
  const unreserved = resources.unreserved().quantities();
  const reserved = resources.reserved().quantities();
  for (const [name, total] of resources.quantities()) {
    totals.push([name, String(total), String(unreserved.get(name) ?? 0), String(reserved.get(name) ?? 0)]);
  }
  lines.push('Totals (ranges counted by element, sets by item):', pad(totals), '');

  const byRole = resources.reservations();
  if (byRole.size > 0) {
    lines.push('Reserved per role:');
    for (const [role, rs] of [...byRole].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`  ${role}: ${formatResources(rs)}`);
    lines.push('');
  }
  if (attributesText !== undefined) {
    const attributes = parseAttributes(attributesText);
    const attributeRows = [['NAME', 'TYPE', 'VALUE']];
    for (const a of attributes) attributeRows.push([a.name, a.type, formatAttributeValue(a)]);
    lines.push(`Attributes (${attributes.length}):`, pad(attributeRows), '');
  }
  lines.push(`--resources as Mesos reads it: ${formatResources(resources)}`);
  return lines.join('\n') + '\n';
}

export function resourcesCommand(argv: readonly string[]): CommandResult {
  try {
    const { flags, positional } = parseArgs(argv, ['resources', 'attributes', 'default_role'], ['json', 'help']);
    if (flags.has('help')) return { stdout: RESOURCES_USAGE + '\n', stderr: '', exitCode: 0 };
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const text = flags.get('resources');
    if (text === undefined) throw new UsageError('--resources is required');
    const defaultRole = flags.get('default_role');
    const resources = parseResources(text, defaultRole === undefined ? {} : { defaultRole });
    const attributesText = flags.get('attributes');
    if (flags.get('json') === 'true') {
      const attributes = attributesText === undefined ? undefined : parseAttributes(attributesText);
      const summary = { resources: resources.toArray(), totals: Object.fromEntries(resources.quantities()), attributes };
      return { stdout: JSON.stringify(summary, null, 2) + '\n', stderr: '', exitCode: 0 };
    }
    return { stdout: report(resources, attributesText), stderr: '', exitCode: 0 };
  } catch (e) {
    if (e instanceof UsageError) return { stdout: '', stderr: `error: ${e.message}\n${RESOURCES_USAGE}\n`, exitCode: 2 };
    if (e instanceof ResourceError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
    throw e;
  }
}

