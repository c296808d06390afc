/**
 * Mesos FrameworkOptions (1.11): the suppressed roles and the offer constraints a framework
 * subscribes with. Validated before anything changes, as the master validates SUBSCRIBE.
 */
import { AllocatorError } from './errors.ts';
import type { FrameworkState } from './framework.ts';
import { createOfferConstraintsFilter, OfferConstraintsError, parseOfferConstraints, validateOfferConstraintsRoles } from './offer-constraints.ts';
import type { FrameworkOptions } from './types.ts';

export function applyFrameworkOptions(framework: FrameworkState, options: FrameworkOptions): void {
  const suppressed = options.suppressedRoles ?? [];
  for (const role of suppressed) {
    if (!framework.roles.has(role)) throw new AllocatorError(`framework ${framework.id}: suppressed role '${role}' is not one of its roles`);
  }
  if (options.offerConstraints !== undefined) {
    try {
      const constraints = parseOfferConstraints(options.offerConstraints);
      validateOfferConstraintsRoles([...framework.roles], constraints);
      const filter = createOfferConstraintsFilter(constraints);
      framework.offerConstraints = filter;
    } catch (e) {
      if (e instanceof OfferConstraintsError) throw new AllocatorError(`framework ${framework.id}: ${e.message}`);
      throw e;
    }
  } else {
    framework.offerConstraints = undefined;
  }
  framework.suppressedRoles.clear();
  for (const role of suppressed) framework.suppressedRoles.add(role);
}
