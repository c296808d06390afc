/**
 * SPREAD: Kubernetes topology spread (`maxSkew`, whenUnsatisfiable DoNotSchedule) over a field.
 * A new instance may go to domain d iff count(d) + 1 - min ≤ maxSkew, where min is the smallest
 * count over the eligible domains: the distinct values of the field among the candidate agents
 * (and the agent's own value). Without candidates, the values of the placed instances are the
 * domains. An agent lacking the field is not eligible, as a node without the topology key.
 */
import { fieldReader, missingFieldReason, type FieldReader } from '../field-value.ts';
import type { PlacementTally } from '../tally.ts';
import type { Constraint, PlacementAgent } from '../types.ts';
import { countsReader, instances, shown, type Rule } from './rule.ts';

type Spread = Extract<Constraint, { type: 'SPREAD' }>;

/** Smallest count over the domains of `candidates`, cached per (candidates, tally version). */
class EligibleMin {
  readonly #field: string;
  readonly #read: FieldReader;
  readonly #domains = new WeakMap<readonly PlacementAgent[], readonly string[]>();
  #candidates: readonly PlacementAgent[] | undefined;
  #tally: PlacementTally | undefined;
  #version = -1;
  #min = 0;

  constructor(field: string, read: FieldReader) {
    this.#field = field;
    this.#read = read;
  }

  domains(candidates: readonly PlacementAgent[]): readonly string[] {
    let domains = this.#domains.get(candidates);
    if (domains === undefined) {
      const seen = new Set<string>();
      for (const agent of candidates) {
        const value = this.#read(agent);
        if (value !== undefined) seen.add(value);
      }
      domains = [...seen];
      this.#domains.set(candidates, domains);
    }
    return domains;
  }

  /** Infinity when there is no eligible domain besides the agent's own. */
  min(tally: PlacementTally, candidates: readonly PlacementAgent[] | undefined): number {
    if (candidates === this.#candidates && tally === this.#tally && tally.version === this.#version) return this.#min;
    const counts = tally.field(this.#field);
    let min = Infinity;
    if (candidates === undefined) {
      if (counts.distinct > 0) min = counts.minPresent();
    } else {
      for (const domain of this.domains(candidates)) {
        const c = counts.count(domain);
        if (c < min) min = c;
        if (min === 0) break;
      }
    }
    this.#candidates = candidates;
    this.#tally = tally;
    this.#version = tally.version;
    this.#min = min;
    return min;
  }
}

export function spreadRule(constraint: Spread): Rule {
  const { field, maxSkew } = constraint;
  const read = fieldReader(field);
  const eligible = new EligibleMin(field, read);
  const rule = `SPREAD ${maxSkew}`;
  const countsOf = countsReader(field);
  return {
    constraint,
    accepts(agent, tally, options) {
      const value = read(agent);
      if (value === undefined) return false;
      const count = countsOf(tally).count(value);
      return count + 1 - Math.min(count, eligible.min(tally, options.candidates)) <= maxSkew;
    },
    reason(agent, tally, options) {
      const value = read(agent);
      if (value === undefined) return missingFieldReason(agent, field, rule);
      const count = tally.field(field).count(value);
      const min = Math.min(count, eligible.min(tally, options.candidates));
      const domains = options.candidates === undefined ? tally.field(field).distinct : eligible.domains(options.candidates).length;
      return `${shown(field, value)} would hold ${instances(count + 1)} against ${min} in the emptiest of ${domains} domains: skew ${count + 1 - min} > ${maxSkew} (${rule})`;
    },
  };
}
