/** The allocator's sorters: the order in which roles, and the frameworks of a role, are offered resources. */
export { SorterError, type Sorter, type SorterOptions, type SorterOrder } from './sorter.ts';
export { DRFSorter } from './drf-sorter.ts';
export { RandomSorter } from './random-sorter.ts';
