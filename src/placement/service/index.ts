/** Declarative data-service specs: pods with resources, persistent volumes and placement constraints. */
export type { PodInstance, PodSpec, PodSpecInput, ServiceSpec, ServiceSpecInput, VolumeDiskType, VolumeSpec, VolumeSpecInput } from './types.ts';
export { ServiceSpecError, type SpecIssue } from './errors.ts';
export { parseServiceSpec } from './parse.ts';
export { podInstanceName, parsePodInstanceName, podInstances } from './instances.ts';
