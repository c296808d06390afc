/**
 * What the cycle derives, per role, from an agent's available resources: what is allocatable to
 * the role, that without what a framework lacking capabilities cannot take, its quota split and
 * whether it meets the global minimum. Valid until the agent's available resources change.
 *
 * The cycle asks for these for every framework it considers, and the agent's resources change on
 * every offer. Invalidation is a version bump, and the views of the role seen first since the last
 * change live in an object that is reused, so a cluster with one role (or one role per agent visit)
 * computes each view once per change and allocates nothing for the cache itself.
 */
import type { Resources } from '../resources/index.ts';

export interface QuotaSplit {
  /** Unreserved non-revocable scalars: what quota counts. */
  readonly quota: Resources;
  readonly other: Resources;
}

export class RoleView {
  role = '';
  version = -1;
  allocatable: Resources | undefined;
  /** By framework capability mask (0–7); `strippedValid` has bit `1 << mask` set for the valid ones. */
  readonly stripped: (Resources | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  strippedValid = 0;
  readonly split: (QuotaSplit | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  splitValid = 0;
  meetsGlobalMinimum: boolean | undefined;

  reset(role: string, version: number): void {
    this.role = role;
    this.version = version;
    this.allocatable = undefined;
    this.strippedValid = 0;
    this.splitValid = 0;
    this.meetsGlobalMinimum = undefined;
  }
}

export class RoleViews {
  private version = 0;
  private readonly front = new RoleView();
  /** Views of the other roles asked about since the last change. */
  private others = new Map<string, RoleView>();
  private othersVersion = 0;

  /** The agent's available resources changed. */
  invalidate(): void {
    this.version++;
  }

  /** The role's view if one is current, without making one. */
  peek(role: string): RoleView | undefined {
    if (this.front.version === this.version && this.front.role === role) return this.front;
    if (this.othersVersion !== this.version) return undefined;
    return this.others.get(role);
  }

  get(role: string): RoleView {
    const front = this.front;
    if (front.version !== this.version) {
      front.reset(role, this.version);
      return front;
    }
    if (front.role === role) return front;
    if (this.othersVersion !== this.version) {
      if (this.others.size > 0) this.others = new Map(); // replacing is cheaper than clearing
      this.othersVersion = this.version;
    }
    let view = this.others.get(role);
    if (view === undefined) {
      view = new RoleView();
      view.reset(role, this.version);
      this.others.set(role, view);
    }
    return view;
  }
}
